/**
 * The operator console's build: `vite build --config console/vite.config.ts`
 * writes dist/console-app/, which the admin listener serves under /console/
 * (not dist/console/: tsc compiles the server side, src/console, there, and
 * Vite empties its output folder).
 * No React plugin: Vite 8 transforms TSX with Oxc, automatic JSX runtime set
 * here; there is no dev server in production, so no fast refresh is needed.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/console/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console-app', import.meta.url)),
    emptyOutDir: true,
    // The CSP forbids inline scripts: Vite's modulepreload polyfill would be one.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});

#!/usr/bin/env node
// Runs the compiled CLI. `npm run build` (tsc) produces dist/; in a fresh
// clone that has not been built yet, this builds it first (once) when the
// TypeScript compiler is installed, else says what to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'cli', 'main.js');

/** The TypeScript compiler's entry point, when installed (a clone after `npm install`). */
function findTsc() {
  try {
    return createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

function buildOnDemand() {
  const tsc = findTsc();
  if (!tsc || !existsSync(join(root, 'tsconfig.build.json'))) {
    process.stderr.write(`hookline: ${entry} is missing; run \`npm install && npm run build\` in ${root} first\n`);
    process.exit(1);
  }
  process.stderr.write('hookline: not built yet; building dist/ once (npm run build)…\n');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0 || !existsSync(entry)) {
    process.stderr.write('hookline: the build failed (see above); fix it and run `npm run build`\n');
    process.exit(1);
  }
}

if (!existsSync(entry)) buildOnDemand();

// `hookline … | head` closes stdout early; that is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const { main } = await import(pathToFileURL(entry).href);
main(process.argv).catch((err) => {
  process.stderr.write(`hookline: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

/**
 * The console app's static files, served from the build output (dist/console-app)
 * without @fastify/static: the file list is read once at start, and a request
 * is answered only when its path is one of those names, so no URL can reach
 * any other file (no traversal to guard against: the URL is never a path).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Same-origin everything; no inline script, no framing. */
export const CONSOLE_CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";
const MAX_FILES = 500;

export interface Asset {
  body: Buffer;
  type: string;
  cacheControl: string;
}

/** The build's files by URL path under /console/; an empty map when the app was not built. */
export function loadAssets(dir: string): Map<string, Asset> {
  const out = new Map<string, Asset>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const type = TYPES[extname(name)];
        if (!type || out.size >= MAX_FILES) continue;
        const rel = relative(dir, path).split(sep).join('/');
        // Vite names what is under assets/ by content hash: it never changes, so it may be cached for good.
        const cacheControl = rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
        out.set(`/console/${rel}`, { body: readFileSync(path), type, cacheControl });
      }
    }
  };
  try {
    walk(dir);
  } catch {
    return new Map();
  }
  const index = out.get('/console/index.html');
  if (index) out.set('/console/', index);
  return out;
}

export function registerAssets(app: FastifyInstance, assets: Map<string, Asset>): void {
  app.get('/console', async (_req, reply) => reply.redirect('/console/', 302));
  app.get('/console/*', async (req, reply) => {
    const path = req.url.split('?')[0] as string;
    const asset = assets.get(path);
    reply.header('content-security-policy', CONSOLE_CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
    if (!asset) {
      if (assets.size === 0) return reply.code(503).type('text/plain').send('the console app is not built: run npm run build');
      return reply.code(404).type('text/plain').send('not found');
    }
    return reply.code(200).header('content-type', asset.type).header('cache-control', asset.cacheControl).send(asset.body);
  });
}

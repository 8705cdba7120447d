/**
 * The console app's static files: only the build's own files, by exact name,
 * with their content type, cache policy and the CSP; nothing else reachable,
 * whatever the URL; 503 when the app was not built; and the console off when
 * `console.enabled` is false.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, loadAssets, registerAssets } from '../../src/console/index.js';
import { startTestServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

describe('console static files', () => {
  const tmp = tempDir();
  const build = join(tmp.dir, 'build');
  let app: FastifyInstance;
  beforeAll(async () => {
    mkdirSync(join(build, 'assets'), { recursive: true });
    writeFileSync(join(build, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(build, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(build, 'assets', 'index-abc.css'), 'body{}');
    writeFileSync(join(build, 'assets', 'notes.md'), 'not a served type');
    writeFileSync(join(tmp.dir, 'secret.txt'), 'outside the build');
    app = Fastify();
    registerAssets(app, loadAssets(build));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    tmp.cleanup();
  });
  const get = (url: string) => app.inject({ method: 'GET', url });

  it('serves index.html at /console/ and the hashed assets, with types, caching and the CSP', async () => {
    const index = await get('/console/');
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toMatch(/^default-src 'self';/);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const js = await get('/console/assets/index-abc.js?v=1');
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body).toBe('console.log(1)');
    expect((await get('/console/assets/index-abc.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    const bare = await get('/console');
    expect(bare.statusCode).toBe(302);
    expect(bare.headers.location).toBe('/console/');
  });

  it('serves nothing but the listed files, whatever the URL', async () => {
    for (const url of [
      '/console/secret.txt',
      '/console/../secret.txt',
      '/console/%2e%2e/secret.txt',
      '/console/assets/..%2f..%2fsecret.txt',
      '/console/assets/notes.md',
      '/console/assets/',
      '/console/assets',
      '/console//index.html',
      '/console/index.html/',
    ]) {
      const r = await get(url);
      expect([r.statusCode, url]).toEqual([404, url]);
      expect(r.body).not.toContain('outside the build');
    }
  });

  it('answers 503 when the app was not built', async () => {
    const bare = Fastify();
    registerAssets(bare, loadAssets(join(tmp.dir, 'missing')));
    const r = await bare.inject({ method: 'GET', url: '/console/' });
    expect(r.statusCode).toBe(503);
    expect(r.body).toMatch(/npm run build/);
    await bare.close();
  });

  it('is not served at all with console.enabled: false', async () => {
    const t = await startTestServer({ console: { enabled: false } });
    try {
      const base = t.server.metrics?.baseUrl as string;
      expect((await fetch(`${base}/console/`)).status).toBe(404);
      expect((await fetch(`${base}/console/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
      expect((await fetch(`${base}/metrics`)).status).toBe(200);
    } finally {
      await t.stop();
    }
  });
});

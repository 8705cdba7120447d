/**
 * `hookline serve` as a process: health, readiness, metrics, and graceful
 * drain on SIGTERM (audiohook.md §1.16: no reconnect, so live calls finish
 * or get `disconnect completed`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioHookClient } from '../../src/simulate/index.js';
import { serve, writeConfig, type Served } from '../helpers/process.js';
import { tempDir } from '../helpers/tmp.js';

const t = tempDir('hookline-serve-');
const orgId = randomUUID();
const apiKey = 'serve-test-key';
const secret = randomBytes(32).toString('base64');
let s: Served;

beforeAll(async () => {
  const file = writeConfig(t.dir, {
    dataDir: t.dir,
    database: `sqlite:${t.dir}/h.db`,
    objects: { url: `file:${t.dir}/objects` },
    server: { host: '127.0.0.1', port: 0, drainTimeoutSeconds: 1.5 },
    metrics: { port: 0 },
    logging: { level: 'info' },
    audiohook: { closeGraceSeconds: 3 },
    tenants: [{ orgId, name: 'Serve Test', apiKeys: [{ key: apiKey, secret }] }],
  });
  s = await serve(file);
});
afterAll(() => {
  s?.child.kill('SIGKILL');
  t.cleanup();
});

const base = () => `http://127.0.0.1:${s.port}`;

/**
 * GET on a connection of its own: with `server.workers` > 1 (the default on a multi-core host) a
 * worker holding no call finishes its drain at once and closes its connections, so a reused
 * keep-alive connection would be reset while the worker holding the call still answers.
 */
function freshStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}
const client = () => new AudioHookClient({ url: `ws://127.0.0.1:${s.port}/api/v1/audiohook/ws`, apiKey, clientSecret: secret, orgId });

describe('hookline serve', () => {
  it('answers health, readiness and metrics', async () => {
    expect((await fetch(`${base()}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base()}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    // Metrics listen on their own port, not on the public one.
    expect((await fetch(`${base()}/metrics`)).status).toBe(404);
    const metrics = await (await fetch(`http://127.0.0.1:${s.metricsPort}/metrics`)).text();
    for (const name of [
      'hookline_audiohook_sessions',
      'hookline_audiohook_open_latency_seconds',
      'hookline_audiohook_rtt_seconds',
      'hookline_audiohook_frames_received_total',
      'hookline_audiohook_bytes_received_total',
      'hookline_sink_dropped_frames_total',
      'hookline_audiohook_auth_failures_total',
      'hookline_audiohook_probes_total',
      'hookline_process_resident_memory_bytes',
    ]) {
      expect(metrics).toContain(name);
    }
  });

  it('refuses other upgrade paths', async () => {
    const c = new AudioHookClient({ url: `ws://127.0.0.1:${s.port}/other`, apiKey, clientSecret: secret, orgId });
    await expect(c.connect()).rejects.toThrow(/404/);
  });

  it('drains on SIGTERM: unready, live calls continue, then disconnect(completed), then exit 0', async () => {
    const c = client();
    await c.connect();
    c.open();
    await c.waitFor('opened');
    s.child.kill('SIGTERM');
    // Readiness flips at once so the load balancer stops sending new calls.
    let status = 0;
    for (let i = 0; i < 50 && status !== 503; i++) {
      // A worker closing as this connects resets it: ask again (a load balancer sees that as not ready too).
      status = await freshStatus(`${base()}/readyz`).catch(() => 0);
      if (status !== 503) await sleep(20);
    }
    expect(status).toBe(503);
    // The live call still works during the drain window.
    c.tick(Buffer.alloc(320, 1));
    c.ping();
    await c.waitFor('pong');
    // New sessions are refused while draining.
    await expect(client().connect()).rejects.toThrow(/503/);
    // After the drain timeout the server ends the call the protocol's way.
    const d = await c.waitFor('disconnect', 5000);
    expect(d.parameters).toEqual({ reason: 'completed', info: 'Server shutting down' });
    await c.waitFor('closed');
    expect(await s.exited).toBe(0);
  });
});

/**
 * `server.workers: 2` draining with a live call on one worker: the other worker
 * has nothing to drain and exits at once. A connection the primary hands it as
 * it closes its listener must come back to the primary and reach the worker
 * still draining; one the exiting worker took with it hung until the whole
 * cluster stopped (a load balancer's readiness probe timing out instead of
 * reading 503).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioHookClient } from '../../src/simulate/index.js';
import { serve, writeConfig, type Served } from '../helpers/process.js';
import { until } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

const t = tempDir('hookline-cluster-drain-');
const orgId = randomUUID();
const apiKey = 'cluster-drain-key';
const secret = randomBytes(32).toString('base64');
let s: Served;

beforeAll(async () => {
  const file = writeConfig(t.dir, {
    dataDir: t.dir,
    database: `sqlite:${t.dir}/h.db`,
    objects: { url: `file:${t.dir}/objects` },
    // The drain window outlasts the idle worker's stop by far; the call ends only when the test has seen every probe answered.
    server: { host: '127.0.0.1', port: 0, drainTimeoutSeconds: 30, workers: 2 },
    metrics: { enabled: false },
    logging: { level: 'info' },
    tenants: [{ orgId, name: 'Cluster Drain', apiKeys: [{ key: apiKey, secret }] }],
  });
  s = await serve(file);
  await until(() => served('hookline serving') === 2, 20_000, 'both workers serving');
});
afterAll(() => {
  s?.child.kill('SIGKILL');
  t.cleanup();
});

/** How many log lines carry `msg` (each worker logs its own). */
function served(msg: string): number {
  return s.lines.filter((l) => l.includes(`"msg":"${msg}"`)).length;
}

/** A readiness probe on a connection of its own, as a load balancer's: its status, or 0 when the connection failed. */
function probe(port: number): Promise<number> {
  return new Promise((resolve) => {
    get(`http://127.0.0.1:${port}/readyz`, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', () => resolve(0));
  });
}

describe('server.workers: 2 draining', () => {
  it('answers every probe while a worker still drains: none is lost with the worker that exited first', async () => {
    const call = new AudioHookClient({ url: `ws://127.0.0.1:${s.port}/api/v1/audiohook/ws`, apiKey, clientSecret: secret, orgId });
    await call.connect();
    call.open();
    await call.waitFor('opened');
    s.child.kill('SIGTERM');
    // Probes back to back on 16 connections at a time, until the idle worker has stopped (it holds no call).
    const pending = new Set<Promise<number>>();
    const answers: number[] = [];
    const idleStopped = () => served('a worker stopped') >= 1;
    const loops = Array.from({ length: 64 }, async () => {
      while (!idleStopped()) {
        const p = probe(s.port);
        pending.add(p);
        answers.push(await p);
        pending.delete(p);
      }
    });
    await Promise.all(loops);
    // Every probe sent so far is answered (or refused) while the other worker still drains the call.
    await Promise.all(pending);
    expect(served('a worker stopped')).toBe(1);
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a !== 503 && a !== 0)).toEqual([]);
    // The draining worker still answers: not ready.
    expect(await probe(s.port)).toBe(503);
    call.close();
    await call.waitFor('closed');
    expect(await s.exited).toBe(0);
  }, 60_000);
});

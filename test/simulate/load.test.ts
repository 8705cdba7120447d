/**
 * `runLoad`, the library behind `hookline simulate` and the benchmarks,
 * against a real server: clean sessions are counted completed with their
 * frames and latencies; sessions the server refuses are failures with the
 * reason, even though they end with a clean close/closed.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, SendLateness } from '../../src/simulate/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.stop());

const load = { sessions: 4, connectRate: 50, frameMs: 20, durationSeconds: 0.5, pingIntervalMs: 200 };

describe('runLoad', () => {
  it('counts completed sessions, frames and latencies', async () => {
    const r = await runLoad({ ...load, url: t.wsUrl, apiKey: t.apiKey, clientSecret: t.secret, orgId: t.orgId });
    expect(r).toMatchObject({ sessions: 4, opened: 4, completed: 4, failed: 0 });
    expect(r.errors).toEqual({});
    expect(r.framesSent).toBeGreaterThanOrEqual(4 * 20);
    expect(r.bytesSent).toBe(r.framesSent * 320);
    expect(r.openLatencyMs.count).toBe(4);
    expect(r.rttMs.count).toBeGreaterThan(0);
  });

  it('counts sessions refused with disconnect as failed, with the reason', async () => {
    const wrong = randomBytes(32).toString('base64');
    const r = await runLoad({ ...load, url: t.wsUrl, apiKey: t.apiKey, clientSecret: wrong, orgId: t.orgId });
    expect(r.completed).toBe(0);
    expect(r.failed).toBe(4);
    expect(Object.keys(r.errors).some((e) => e.startsWith('disconnect unauthorized'))).toBe(true);
    expect(r.framesSent).toBe(0);
  });

  it('records the lateness of every frame it sends, and sees a stalled event loop', async () => {
    const lateness = new SendLateness();
    const settled: boolean[] = [];
    // Hold the loader's event loop for 150 ms once streaming has started: frames due meanwhile leave late.
    const stall = setTimeout(() => {
      const until = performance.now() + 150;
      while (performance.now() < until);
    }, 250);
    try {
      const r = await runLoad({ ...load, sessions: 2, durationSeconds: 0.8, url: t.wsUrl, apiKey: t.apiKey, clientSecret: t.secret, orgId: t.orgId, sendLateness: lateness, onSessionSettled: (_c, ok) => settled.push(ok) });
      expect(lateness.summary().count).toBe(r.framesSent);
      expect(lateness.summary().maxMs).toBeGreaterThanOrEqual(100);
      expect(settled).toEqual([true, true]);
    } finally {
      clearTimeout(stall);
    }
  });

  it('tells onSessionSettled about each refused session', async () => {
    const settled: boolean[] = [];
    const wrong = randomBytes(32).toString('base64');
    await runLoad({ ...load, url: t.wsUrl, apiKey: t.apiKey, clientSecret: wrong, orgId: t.orgId, onSessionSettled: (_c, ok) => settled.push(ok) });
    expect(settled).toEqual([false, false, false, false]);
  });
});

/**
 * The unauthenticated floods of the hardening issue, at small scale, while a
 * live call runs: metric size, memory and the live call's ping→pong stay
 * bounded. Bounds are ratios or generous margins (the test machine is small
 * and shared); the figures are printed for the record.
 */
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { AudioHookClient } from '../../src/simulate/index.js';
import { openSession, startTestServer, type TestServer } from '../helpers/server.js';

const SOCKETS = 20;
const MESSAGES = 500;

async function rtts(c: AudioHookClient, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const after = c.received.length;
    const t0 = performance.now();
    c.ping();
    await c.waitFor('pong', 10_000, after);
    out.push(performance.now() - t0);
  }
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** One unauthenticated socket sending `MESSAGES` messages as fast as it can: errors with fresh codes and 4 KB updates. */
async function flood(t: TestServer, i: number): Promise<void> {
  const id = '6f1d7c52-8f43-4a52-9a44-3a0e2a1b9c11';
  const ws = new WebSocket(t.wsUrl, {
    headers: { 'audiohook-organization-id': t.orgId, 'audiohook-session-id': id, 'audiohook-correlation-id': id, 'x-api-key': 'no-such-key' },
    perMessageDeflate: false,
    localAddress: '127.0.0.3',
  });
  ws.on('error', () => undefined);
  await once(ws, 'open');
  const pad = 'x'.repeat(4096);
  for (let m = 0; m < MESSAGES && ws.readyState === ws.OPEN; m++) {
    const type = m % 2 ? 'update' : 'error';
    const parameters = type === 'error' ? { code: 10_000 + i * MESSAGES + m, message: pad } : { pad };
    ws.send(JSON.stringify({ version: '2', id, type, seq: m + 1, serverseq: 0, position: 'PT0S', parameters }));
  }
  if (ws.readyState === ws.OPEN) await once(ws, 'close'); // cut off by the server after its grace
}

describe('unauthenticated floods while a call is live', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ audiohook: { unauthenticatedGraceMs: 500 } });
  });
  afterAll(() => t.stop());

  it('keep /metrics, memory and the live call\'s ping→pong bounded', async () => {
    const live = t.client();
    await openSession(live);
    await rtts(live, 5); // warm up
    const baseline = await rtts(live, 20);
    const scrape = async () => (await (await fetch(t.server.metrics?.url as string)).text()).length;
    const metricsBefore = await scrape();
    const heapBefore = process.memoryUsage().heapUsed;

    const floods = Promise.all(Array.from({ length: SOCKETS }, (_, i) => flood(t, i)));
    const during = await rtts(live, 20);
    const scrapes = await Promise.all([scrape(), scrape(), scrape()]);
    await floods;

    const metricsAfter = await scrape();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    const sent = SOCKETS * MESSAGES * 4.2 * 1024;
    console.log(
      JSON.stringify({
        sentMB: +(sent / 2 ** 20).toFixed(1),
        metricsBytes: { before: metricsBefore, after: metricsAfter, duringMax: Math.max(...scrapes) },
        heapGrowthMB: +(heapGrowth / 2 ** 20).toFixed(1),
        rttMs: { baseline: +median(baseline).toFixed(2), during: +median(during).toFixed(2) },
      }),
    );
    // Series are not minted by clients: /metrics grows by a few counters at most.
    expect(metricsAfter - metricsBefore).toBeLessThan(8 * 1024);
    // Nothing the flood sent is kept: the heap grows far less than what was sent (test client included).
    expect(heapGrowth).toBeLessThan(sent / 2);
    // The live call still answers promptly: within ten times its quiet RTT, or 250 ms on this shared machine.
    expect(median(during)).toBeLessThan(Math.max(10 * median(baseline), 250));
    live.close();
    await live.waitFor('closed');
  });
});

/**
 * `hookline simulate`'s text report: a server's `disconnect completed` (its
 * drain, or the call's end) is a normal end, and a refusal says where the
 * server logged its reason.
 */
import { describe, expect, it } from 'vitest';
import { formatResult } from '../../src/cli/simulate.js';
import type { LoadResult } from '../../src/simulate/index.js';

const result = (errors: Record<string, number>): LoadResult => ({
  sessions: 2,
  opened: 2,
  completed: 2,
  failed: 0,
  openLatencyMs: { count: 0 },
  rttMs: { count: 0 },
  framesSent: 10,
  bytesSent: 1600,
  errors,
  wallSeconds: 1,
});

describe('simulate report', () => {
  it('reports disconnect completed as a normal end, not an error', () => {
    const text = formatResult(result({ 'disconnect completed: Server shutting down': 2 }));
    expect(text).not.toMatch(/^error/m);
    expect(text).toMatch(/^ended by the server ×2: disconnect completed: Server shutting down/m);
  });

  it('says where the reason of an unauthorized disconnect is logged', () => {
    const text = formatResult(result({ 'disconnect unauthorized: Unauthorized': 1 }));
    expect(text).toMatch(/^error ×1: disconnect unauthorized: Unauthorized\n {2}the server logs the reason as 'AudioHook authentication failed'/m);
  });
});

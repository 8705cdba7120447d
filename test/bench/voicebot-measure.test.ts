/** bench:voicebot's figures from the emulator's bot-call log: response times, completion, the capacity rule. */
import { describe, expect, it } from 'vitest';
import { newEntry } from '../../src/emulator/botcall/caller.js';
import type { BotCallEntry } from '../../src/emulator/botcall/entry.js';
import { capacity, stepFigures, responseTimes, type StepFigures } from '../../bench/voicebot/measure.js';

function entry(over: Partial<BotCallEntry>): BotCallEntry {
  const e = newEntry({ sessionId: 's', correlationId: 'c' }, 'conv', 'org', 'int', { connectorId: 'offline' }, 'ws://x/offline', '2024-01-01T00:00:00.000Z');
  return { ...e, result: 'completed', closeReason: 'disconnect', disconnect: { reason: 'completed' }, openedAt: '2024-01-01T00:00:00.000Z', endedAt: '2024-01-01T00:00:20.000Z', ...over };
}

const span = (startedAtMs: number) => ({ startedAtMs, endedAtMs: startedAtMs + 1000, bytesPlayed: 8000, bytesFlushed: 0 });

describe('bench:voicebot response times', () => {
  it('each caller input is answered by the first playback starting at or after its end; the greeting before it does not count', () => {
    const e = entry({
      playbacks: [span(100), span(6000), span(9500)],
      callerTurns: [
        { kind: 'say', input: 'order-status', endSentAtMs: 5400 },
        { kind: 'dtmf', input: '1#', endSentAtMs: 9000 },
        { kind: 'say', input: 'goodbye', endSentAtMs: 12_000 },
      ],
    });
    expect(responseTimes(e)).toEqual({ latencies: [600, 500], unanswered: 1 });
  });

  it('a step counts calls missing from the log as failed, sums 429s and call-seconds, and takes percentiles over every response', () => {
    const ok = entry({ playbacks: [span(1000)], callerTurns: [{ kind: 'dtmf', input: '1#', endSentAtMs: 800 }] });
    const limited = entry({ rateLimited: 2, playbacks: [span(1400)], callerTurns: [{ kind: 'dtmf', input: '1#', endSentAtMs: 1000 }] });
    const dropped = entry({ result: 'dropped', closeReason: undefined, disconnect: undefined });
    const f = stepFigures(4, [ok, limited, dropped]);
    expect(f).toMatchObject({ calls: 4, completed: 2, failed: 2, rateLimited: 2, samples: 2, p50: 200, p99: 400, callSeconds: 60 });
  });
});

describe('bench:voicebot capacity', () => {
  const fig = (p99: number, over: Partial<StepFigures> = {}): StepFigures => ({ calls: 1, completed: 1, failed: 0, rateLimited: 0, samples: 10, unanswered: 0, p50: 1, p99, callSeconds: 1, ...over });

  it('is the largest N whose step and every smaller one stay under the target, with no failure, 429 or unanswered input', () => {
    expect(capacity([{ n: 20, figures: fig(900) }, { n: 10, figures: fig(400) }, { n: 40, figures: fig(1600) }], 1500)).toBe(20);
    expect(capacity([{ n: 10, figures: fig(400) }, { n: 20, figures: fig(400, { rateLimited: 1 }) }], 1500)).toBe(10);
    expect(capacity([{ n: 10, figures: fig(400, { failed: 1 }) }, { n: 20, figures: fig(400) }], 1500)).toBe(0);
    expect(capacity([{ n: 10, figures: fig(400, { unanswered: 1 }) }], 1500)).toBe(0);
  });
});

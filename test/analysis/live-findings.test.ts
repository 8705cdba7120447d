import { describe, expect, it } from 'vitest';
import { findingId, LiveFindings } from '../../src/analysis/live-findings.js';
import type { Finding } from '../../src/analysis/index.js';
import type { Observation } from '../../src/conversations/index.js';
import { captureLogs } from '../helpers/log-capture.js';

const F: Finding = { rule: 'long-silence', kind: 'silence', startMs: 12520, endMs: 17520.4, evidence: { seconds: 5 }, id: 's1:x', agent: { userId: 'ua' } };

function store(failures: number) {
  const applied: Observation[] = [];
  let calls = 0;
  return {
    applied,
    calls: () => calls,
    async apply(_tenant: string, obs: Observation) {
      calls++;
      if (calls <= failures) throw new Error('database unavailable');
      applied.push(obs);
    },
  };
}

describe('LiveFindings', () => {
  it('applies a finding as a finding observation, without making the caller wait', async () => {
    const s = store(0);
    const sink = new LiveFindings({ live: s, log: captureLogs().logger, now: () => Date.parse('2026-01-01T00:00:00Z') });
    sink.fire('org', 'conv', F);
    expect(s.calls()).toBe(1); // started in the caller's turn; fire() itself returns void
    await sink.idle();
    expect(s.applied).toEqual([{ kind: 'finding', conversationId: 'conv', finding: { id: 's1:x', rule: 'long-silence', kind: 'silence', party: undefined, startMs: 12520, endMs: 17520, evidence: { seconds: 5 }, agent: { userId: 'ua' }, source: 'live', firedAt: '2026-01-01T00:00:00.000Z' } }]);
  });

  it('says which analysis found it (post-call when asked)', async () => {
    const s = store(0);
    const sink = new LiveFindings({ live: s, log: captureLogs().logger, source: 'post-call' });
    sink.fire('org', 'conv', F);
    await sink.idle();
    expect(s.applied[0]).toMatchObject({ finding: { source: 'post-call' } });
  });

  it('retries a failed write, then records it once', async () => {
    const s = store(2);
    const settled: boolean[] = [];
    const sink = new LiveFindings({ live: s, log: captureLogs().logger, retryMs: 1, onSettled: (_f, ok) => settled.push(ok) });
    sink.fire('org', 'conv', F);
    await sink.idle();
    expect(s.calls()).toBe(3);
    expect(s.applied).toHaveLength(1);
    expect(settled).toEqual([true]);
  });

  it('gives up after its attempts and logs it, without throwing', async () => {
    const s = store(100);
    const logs = captureLogs();
    const settled: boolean[] = [];
    const sink = new LiveFindings({ live: s, log: logs.logger, attempts: 3, retryMs: 1, onSettled: (_f, ok) => settled.push(ok) });
    sink.fire('org', 'conv', F);
    await sink.idle();
    expect(s.calls()).toBe(3);
    expect(settled).toEqual([false]);
    expect(logs.text()).toContain('guidance finding not recorded');
  });

  it('ids are stable per firing and lower-case', () => {
    const { id: _id, ...plain } = F;
    expect(findingId(plain, 'ABC')).toBe(findingId(plain, 'abc'));
    expect(findingId(plain, 'abc')).toBe('abc:silence:long-silence:12520-17520');
    expect(findingId({ ...plain, startMs: 1 }, 'abc')).not.toBe(findingId(plain, 'abc'));
  });
});

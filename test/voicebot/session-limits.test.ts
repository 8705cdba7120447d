import { describe, expect, it } from 'vitest';
import { SessionLimits } from '../../src/voicebot/session-limits.js';

describe('SessionLimits', () => {
  it('bounds each tenant separately and the replica in total; a release frees exactly one slot, once', () => {
    const l = new SessionLimits({ maxSessions: 3, maxSessionsPerTenant: 2 });
    const a1 = l.acquire('a');
    const a2 = l.acquire('a');
    expect(a1.ok && a2.ok).toBe(true);
    expect(l.acquire('a')).toEqual({ ok: false, reason: 'tenant' });
    const b1 = l.acquire('b');
    expect(b1.ok).toBe(true); // tenant a being full does not refuse tenant b
    expect(l.acquire('c')).toEqual({ ok: false, reason: 'process' });
    if (!a1.ok) throw new Error('unreachable');
    a1.release();
    a1.release(); // twice: still one slot
    expect(l.active).toBe(2);
    expect(l.activeFor('a')).toBe(1);
    expect(l.acquire('c').ok).toBe(true);
    expect(l.acquire('a')).toEqual({ ok: false, reason: 'process' });
  });

  it('forgets a tenant with no call left (the map is bounded by calls running)', () => {
    const l = new SessionLimits({ maxSessions: 3, maxSessionsPerTenant: 2 });
    const s = l.acquire('a');
    if (!s.ok) throw new Error('unreachable');
    s.release();
    expect(l.activeFor('a')).toBe(0);
    expect((l as unknown as { byTenant: Map<string, number> }).byTenant.size).toBe(0);
  });
});

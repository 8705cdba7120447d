/**
 * The nightly ReconcileScheduler: each tenant's cron in its own time zone,
 * rescheduled when its settings change, and each firing run by one replica only.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReconcileScheduler } from '../../src/ingest/scheduler.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { openState, type SharedState } from '../../src/platform/state/index.js';
import type { Tenant } from '../../src/tenants/index.js';

const log = createLogger({ level: 'silent' });
const DAY = 24 * 3600_000;

const tenant = (orgId: string, cron: string, timezone: string, enabled = true) =>
  ({ orgId, genesys: { clientId: 'c' }, monitoredGroupId: randomUUID(), reconcile: { enabled, cron, timezone } }) as unknown as Tenant;

/** Hour and minute of `d` on the wall clock of `timeZone`. */
const wall = (d: Date, timeZone: string) => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);

describe('ReconcileScheduler', () => {
  const made: ReconcileScheduler[] = [];
  let state: SharedState | undefined;
  afterEach(async () => {
    for (const s of made.splice(0)) s.stop();
    await state?.close();
  });

  async function replicas(n: number, run: (replica: string, orgId: string, from: Date, to: Date) => void) {
    state = await openState('memory', { logger: log });
    return Array.from({ length: n }, (_, i) => {
      const s = new ReconcileScheduler({ state: state as SharedState, replicaId: `r${i}`, overlapMinutes: 30, log, run: async (o, f, t) => run(`r${i}`, o, f, t) });
      made.push(s);
      return s;
    });
  }

  it('schedules the cron in the tenant\'s time zone and reschedules when it changes', async () => {
    const [s] = await replicas(1, () => undefined);
    const orgId = randomUUID();
    s!.update([tenant(orgId, '0 2 * * *', 'America/New_York')]);
    const ny = s!.next(orgId) as Date;
    expect(wall(ny, 'America/New_York')).toBe('02:00');
    expect(ny.getTime() - Date.now()).toBeLessThanOrEqual(DAY + 3600_000);
    s!.update([tenant(orgId, '0 2 * * *', 'Asia/Kolkata')]);
    const ist = s!.next(orgId) as Date;
    expect(wall(ist, 'Asia/Kolkata')).toBe('02:00');
    expect(ist.getUTCMinutes()).toBe(30); // +05:30: a time zone, not an hour offset guessed from UTC
    s!.update([tenant(orgId, '0 2 * * *', 'Asia/Kolkata', false)]);
    expect(s!.next(orgId)).toBeNull();
  });

  it('does not schedule an invalid cron or time zone', async () => {
    const [s] = await replicas(1, () => undefined);
    const bad = randomUUID();
    const badZone = randomUUID();
    s!.update([tenant(bad, 'not a cron', 'UTC'), tenant(badZone, '0 2 * * *', 'Mars/Olympus')]);
    expect(s!.next(bad)).toBeNull();
    expect(s!.next(badZone)).toBeNull();
  });

  it('runs a firing on one replica only, over the last day plus the overlap', async () => {
    const runs: { replica: string; orgId: string; from: Date; to: Date }[] = [];
    const [a, b] = await replicas(2, (replica, orgId, from, to) => void runs.push({ replica, orgId, from, to }));
    const orgId = randomUUID();
    const at = new Date('2026-01-02T02:00:00.000Z');
    const won = await Promise.all([a!.fire(orgId, at), b!.fire(orgId, at)]);
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ orgId, to: at, from: new Date(at.getTime() - DAY - 30 * 60_000) });
    // The next slot is a new run.
    expect(await b!.fire(orgId, new Date(at.getTime() + DAY))).toBe(true);
    expect(runs).toHaveLength(2);
  });

  it('fires from the cron itself, once across replicas', async () => {
    const runs: string[] = [];
    const [a, b] = await replicas(2, (replica) => void runs.push(replica));
    // Watch both replicas' claims on the shared slot: once two claims for one slot are settled, the run count is final.
    const claims = new Map<string, number>();
    const claim = state!.setIfAbsent.bind(state);
    vi.spyOn(state!, 'setIfAbsent').mockImplementation(async (key, value, ttl) => {
      const won = await claim(key, value, ttl);
      claims.set(key, (claims.get(key) ?? 0) + 1);
      return won;
    });
    const orgId = randomUUID();
    // Every second (croner takes a seconds field): both replicas' crons fire for the same slot.
    for (const s of [a!, b!]) s.update([tenant(orgId, '* * * * * *', 'UTC')]);
    await vi.waitFor(() => expect([...claims.values()]).toContain(2), { timeout: 5000, interval: 10 });
    for (const s of [a!, b!]) s.stop();
    const slot = [...claims].find(([, n]) => n === 2)?.[0];
    expect(slot).toMatch(new RegExp(`^reconcile:${orgId}:`));
    // The winner runs just after its claim settles: let that run land, then there must be no other.
    await vi.waitFor(() => expect(runs.length).toBeGreaterThanOrEqual(1), { timeout: 1000, interval: 10 });
    expect(runs).toHaveLength(1);
  });
});

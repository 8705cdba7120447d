/**
 * The live model's state and outbox on SQLite and PostgreSQL: the outbox holds
 * each scenario's golden sequence once, whoever writes, however often, and
 * however writers race (two connections, as two replicas would).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openAppDatabase } from '../../../src/app/database.js';
import { derive, LiveStore, type CommonEvent, type LiveChange, type LiveState, type Observation } from '../../../src/conversations/index.js';
import type { Db } from '../../../src/platform/db/index.js';
import { dropPgSchema, pgUrlWithFreshSchema } from '../../helpers/services.js';
import { tempDir } from '../../helpers/tmp.js';
import { analytics, snapshots, START, timeline } from './scripted.js';

const tmp = tempDir();
const pg = pgUrlWithFreshSchema();
afterAll(async () => {
  tmp.cleanup();
  await dropPgSchema(pg.schema);
});

const now = () => START + 3_600_000;
const observations = (id: string): Observation[] => snapshots(timeline('consult-transfer', id)).map((x): Observation => ({ kind: 'snapshot', snapshot: x.snapshot }));

/** What the pure deriver says the sequence is. */
function expected(obs: Observation[]): CommonEvent[] {
  let s: LiveState | undefined;
  return obs.flatMap((o) => {
    const d = derive(s, o, { tenant: 'org', now });
    s = d.state;
    return d.events;
  });
}

describe.each([
  ['sqlite', () => `sqlite:${tmp.dir}/live.db`],
  ['postgres', () => pg.url],
])('live store on %s', (_name, url) => {
  async function twoWriters<T>(fn: (a: LiveStore, b: LiveStore) => Promise<T>): Promise<T> {
    // Embedded SQLite is one process's database: its writers share the connection. PostgreSQL: one connection each, as replicas.
    const first = await openAppDatabase(url());
    const dbs: Db[] = url().startsWith('sqlite:') ? [first] : [first, await openAppDatabase(url())];
    try {
      return await fn(new LiveStore(first, { now }), new LiveStore(dbs.at(-1) as Db, { now, maxAttempts: 50 }));
    } finally {
      for (const db of dbs) await db.close();
    }
  }

  it('records the derived sequence in the outbox, with the state, and nothing on a replay', async () => {
    const id = '00000000-0000-4000-8000-00000000a001';
    const obs = observations(id);
    await twoWriters(async (store) => {
      const written = [];
      for (const o of obs) written.push(...(await store.apply('org', o)));
      for (const o of obs) expect(await store.apply('org', o)).toEqual([]);
      const want = expected(obs);
      expect(written).toEqual(want);
      expect(await store.events('org', id)).toEqual(want);
      expect(await store.events('org', id, want.length - 2)).toEqual(want.slice(-2));
      expect((await store.get('org', id))?.seq).toBe(want.length);
    });
  });

  it('two writers racing over the same snapshots record one event set (seq 1…n, no gap, no repeat)', async () => {
    const id = '00000000-0000-4000-8000-00000000a002';
    const obs = observations(id);
    await twoWriters(async (a, b) => {
      const got = await Promise.all([(async () => { for (const o of obs) await a.apply('org', o); })(), (async () => { for (const o of obs) await b.apply('org', o); })()]);
      expect(got).toHaveLength(2);
      expect(await a.events('org', id)).toEqual(expected(obs));
    });
  });

  it('a new leader re-applying what the old one already applied, then going on, adds each change once', async () => {
    const id = '00000000-0000-4000-8000-00000000a003';
    const obs = observations(id);
    const half = Math.floor(obs.length / 2);
    await twoWriters(async (oldLeader, newLeader) => {
      for (const o of obs.slice(0, half)) await oldLeader.apply('org', o);
      // The new leader resolves the call (the snapshot the old leader applied last), then hears the rest, each twice.
      for (const o of [obs[half - 1] as Observation, ...obs.slice(half).flatMap((x) => [x, x])]) await newLeader.apply('org', o);
      expect(await newLeader.events('org', id)).toEqual(expected(obs));
    });
  });

  it('tells onCommit what each committed transaction recorded, once, in order (nothing for a replay)', async () => {
    const id = '00000000-0000-4000-8000-00000000a005';
    const obs = observations(id);
    const db = await openAppDatabase(url());
    try {
      const committed: number[][] = [];
      const store = new LiveStore(db, { now, onCommit: (events) => committed.push(events.map((e) => e.seq)) });
      for (const o of [...obs, ...obs]) await store.apply('org', o);
      expect(committed.flat()).toEqual(expected(obs).map((e) => e.seq));
      expect(committed.every((seqs) => seqs.length > 0)).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('a vetoed change writes nothing (state, outbox, onCommit) and is derived again from the next observation', async () => {
    const id = '00000000-0000-4000-8000-00000000a006';
    const obs = observations(id);
    const db = await openAppDatabase(url());
    try {
      let veto = true;
      const seen: LiveChange[] = [];
      const committed: number[] = [];
      const store = new LiveStore(db, {
        now,
        onCommit: (events) => committed.push(...events.map((e) => e.seq)),
        beforeCommit: async (change) => {
          seen.push(change);
          return veto ? { commit: false } : { commit: true, state: change.state, events: change.events };
        },
      });
      expect(await store.apply('org', obs[0] as Observation)).toEqual([]);
      expect(await store.get('org', id)).toBeUndefined();
      expect(await store.events('org', id)).toEqual([]);
      expect(committed).toEqual([]);
      veto = false;
      const first = expected(obs.slice(0, 1));
      expect(await store.apply('org', obs[0] as Observation)).toEqual(first); // the same change again, now committed
      expect(seen.map((c) => [c.source, c.previous === undefined, c.events.map((e) => e.seq)])).toEqual([
        ['snapshot', true, first.map((e) => e.seq)],
        ['snapshot', true, first.map((e) => e.seq)],
      ]);
      expect(await store.events('org', id)).toEqual(first);
    } finally {
      await db.close();
    }
  });

  it('commits what beforeCommit returns: enriched events in the outbox and onCommit, enriched state', async () => {
    const id = '00000000-0000-4000-8000-00000000a007';
    const obs = observations(id);
    const db = await openAppDatabase(url());
    try {
      const told: CommonEvent[] = [];
      const store = new LiveStore(db, {
        now,
        onCommit: (events) => told.push(...events),
        beforeCommit: async (c) => ({ commit: true, state: { ...c.state, enrichment: { crm: { n: c.state.seq } } }, events: c.events.map((e) => ({ ...e, enrichment: { crm: { caseId: 'C-1' } } })) }),
      });
      for (const o of obs) await store.apply('org', o);
      const stored = await store.events('org', id);
      expect(stored.map((e) => e.seq)).toEqual(expected(obs).map((e) => e.seq));
      expect(stored.every((e) => e.enrichment?.crm?.caseId === 'C-1')).toBe(true);
      expect(told).toEqual(stored);
      expect((await store.get('org', id))?.enrichment).toEqual({ crm: { n: stored.length } });
    } finally {
      await db.close();
    }
  });

  it('merges analytics after the call: conversation.imported once, late survey attached once', async () => {
    const id = '00000000-0000-4000-8000-00000000a004';
    const t = timeline('inbound', id);
    const obs = snapshots(t).map((x): Observation => ({ kind: 'snapshot', snapshot: x.snapshot }));
    await twoWriters(async (store) => {
      for (const o of obs) await store.apply('org', o);
      const merged: Observation = { kind: 'analytics', conversation: analytics(t), importedAt: '2024-05-01T12:00:00.000Z' };
      const surveyed: Observation = { kind: 'analytics', conversation: analytics(t, { surveys: [{ eventTime: t.end, data: { surveyId: 's-1' } }] }), importedAt: '2024-05-01T13:00:00.000Z' };
      expect((await store.apply('org', merged)).map((e) => e.type)).toEqual(['conversation.imported']);
      expect(await store.apply('org', merged)).toEqual([]);
      expect((await store.apply('org', surveyed)).map((e) => [e.type, 'change' in e ? e.change : ''])).toEqual([['conversation.updated', 'survey']]);
      const all = await store.events('org', id);
      expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    });
  });
});

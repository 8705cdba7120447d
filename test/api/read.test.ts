/**
 * The read API on SQLite and PostgreSQL, through its routes (Fastify inject):
 * conversations merged from the imported tree and the live model, paged by
 * cursor without gaps or repeats; events in a stable order; one tenant never
 * sees another's; bad input is a 400 naming the field.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppDatabase } from '../../src/app/database.js';
import type { Db } from '../../src/platform/db/index.js';
import { dropPgSchema, pgUrlWithFreshSchema } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { at, importedCall, liveCall, readApi } from './fixtures.js';

const tmp = tempDir();
const pg = pgUrlWithFreshSchema();
afterAll(async () => {
  tmp.cleanup();
  await dropPgSchema(pg.schema);
});

const A = randomUUID();
const B = randomUUID();
const X = randomUUID();
const Y = randomUUID();
const ids = (n: number) => Array.from({ length: n }, () => randomUUID()).sort();

describe.each([
  ['sqlite', () => `sqlite:${tmp.dir}/read.db`],
  ['postgres', () => pg.url],
])('read API on %s', (_name, url) => {
  let db: Db;
  let app: FastifyInstance;
  let tokenA: string;
  let tokenB: string;
  let adminA: string;
  const imported = ids(5);
  const [storedOnly] = ids(1) as [string];
  const live = ids(3);
  const ended = ids(2);
  const tie = ids(2);
  const [otherTenants] = ids(1) as [string];
  /** Every conversation of A in (start, id) order, with its state. */
  const expected: { id: string; state: string; start: string }[] = [];

  beforeAll(async () => {
    db = await openAppDatabase(url());
    const api = await readApi(db);
    app = api.app;
    tokenA = (await api.tokens.create(A, 'reader', 'read')).secret;
    adminA = (await api.tokens.create(A, 'admin', 'admin')).secret;
    tokenB = (await api.tokens.create(B, 'reader', 'read')).secret;
    for (const [i, id] of imported.entries()) {
      await importedCall(api.store, A, id, i % 2 === 0 ? X : Y, at(i + 1));
      expected.push({ id, state: 'imported', start: at(i + 1) });
    }
    await importedCall(api.store, A, storedOnly, Y, at(6), false);
    expected.push({ id: storedOnly, state: 'ended', start: at(6) });
    for (const [i, id] of live.entries()) {
      await liveCall(api.live, A, id, X, at(7 + i));
      expected.push({ id, state: 'live', start: at(7 + i) });
    }
    for (const [i, id] of ended.entries()) {
      await liveCall(api.live, A, id, Y, at(10 + i), at(20));
      expected.push({ id, state: 'ended', start: at(10 + i) });
    }
    // Two conversations that started at the same instant: the id breaks the tie.
    for (const id of tie) {
      await importedCall(api.store, A, id, X, at(12));
      expected.push({ id, state: 'imported', start: at(12) });
    }
    // The same conversation id in another tenant must stay invisible to A.
    await importedCall(api.store, B, otherTenants, X, at(1));
    await liveCall(api.live, B, otherTenants, X, at(1));
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const get = async (path: string, token = tokenA) => {
    const r = await app.inject({ method: 'GET', url: path, headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: r.statusCode, body: r.json() as Record<string, unknown> & { items: Record<string, unknown>[]; nextCursor: string | null; hasMore: boolean; error: string } };
  };

  async function allPages(path: string, cursorParam: 'cursor' | 'after', stop: (b: { nextCursor: string | null; hasMore: boolean }) => boolean) {
    const seen: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const sep = path.includes('?') ? '&' : '?';
      const r = await get(cursor ? `${path}${sep}${cursorParam}=${encodeURIComponent(cursor)}` : path);
      expect(r.status).toBe(200);
      seen.push(...r.body.items);
      cursor = r.body.nextCursor;
      if (stop(r.body)) break;
    }
    return seen;
  }

  it('pages every conversation once, in (start, id) order, whatever the page size', async () => {
    for (const limit of [1, 3, 200]) {
      const items = await allPages(`/api/v1/conversations?limit=${limit}`, 'cursor', (b) => b.nextCursor === null);
      expect(items.map((i) => [i.conversationId, i.state, i.startedAt])).toEqual(expected.map((e) => [e.id, e.state, e.start]));
    }
  });

  it('filters by state, agent and start window', async () => {
    const ofState = async (s: string) => (await allPages(`/api/v1/conversations?state=${s}&limit=2`, 'cursor', (b) => b.nextCursor === null)).map((i) => i.conversationId);
    expect(await ofState('live')).toEqual(live);
    expect(await ofState('ended')).toEqual(expected.filter((e) => e.state === 'ended').map((e) => e.id));
    expect(await ofState('imported')).toEqual(expected.filter((e) => e.state === 'imported').map((e) => e.id));
    const byX = (await get(`/api/v1/conversations?agent=${X.toUpperCase()}`)).body.items.map((i) => i.conversationId);
    expect(byX).toEqual([imported[0], imported[2], imported[4], ...live, ...tie]);
    const window = (await get(`/api/v1/conversations?from=${at(6)}&to=${encodeURIComponent('2024-05-01T12:08:00+02:00')}`)).body.items.map((i) => i.conversationId);
    expect(window).toEqual([storedOnly, live[0]]);
  });

  it('returns one conversation whole: analytics tree, recordings, live state and events', async () => {
    const imp = await get(`/api/v1/conversations/${(imported[0] as string).toUpperCase()}`);
    expect(imp.status).toBe(200);
    expect(imp.body).toMatchObject({ conversationId: imported[0], state: 'imported', live: null, events: [] });
    expect((imp.body.participants as unknown[]).length).toBe(2);
    expect(imp.body.sessions).toContainEqual(expect.objectContaining({ sessionId: 's-a', recording: true }));
    expect(imp.body.segments).toContainEqual(expect.objectContaining({ sessionId: 's-a', conference: false }));
    expect(imp.body.metrics).toEqual([expect.objectContaining({ name: 'nConnected', value: 1 })]);
    expect(imp.body.recordings).toEqual([expect.objectContaining({ objectKey: `imports/${A}/${imported[0]}.wav`, size: 1234 })]);
    const lv = await get(`/api/v1/conversations/${live[0]}`);
    expect(lv.body).toMatchObject({ state: 'live', endedAt: null, live: { participants: expect.arrayContaining([expect.objectContaining({ userId: X, stage: 'connected' })]) } });
    expect((lv.body.events as { type: string }[]).map((e) => e.type)).toContain('agent.connected');
  });

  it("answers 404 for another tenant's conversation, and for another tenant in the query", async () => {
    expect((await get(`/api/v1/conversations/${otherTenants}`)).status).toBe(404);
    expect((await get(`/api/v1/conversations/${otherTenants}`, tokenB)).status).toBe(200);
    expect((await get(`/api/v1/conversations/${randomUUID()}`)).status).toBe(404);
    expect((await get(`/api/v1/conversations?tenant=${B}`)).status).toBe(404);
    expect((await get(`/api/v1/events?tenant=${B}`)).status).toBe(404);
    expect((await get(`/api/v1/conversations?tenant=${A.toUpperCase()}`)).status).toBe(200);
    const bs = (await get('/api/v1/conversations', tokenB)).body.items.map((i) => i.conversationId);
    expect(bs).toEqual([otherTenants]);
  });

  it('pages the events of the tenant in a stable order, each once, with filters', async () => {
    const total = (await db.kysely.withTables<{ conversation_events: { tenant_id: string } }>().selectFrom('conversation_events').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', A).executeTakeFirstOrThrow()).n;
    const all = await allPages('/api/v1/events?limit=500', 'after', (b) => !b.hasMore);
    expect(all).toHaveLength(Number(total));
    const paged = await allPages('/api/v1/events?limit=2', 'after', (b) => !b.hasMore);
    expect(paged).toEqual(all);
    const key = (e: Record<string, unknown>) => `${e.conversationId as string}/${e.seq as number}`;
    expect(new Set(all.map(key)).size).toBe(all.length);
    const one = await allPages(`/api/v1/events?conversation=${ended[0]}&limit=1`, 'after', (b) => !b.hasMore);
    expect(one.map((e) => e.seq)).toEqual(one.map((_e, i) => i + 1));
    expect(one.at(-1)?.type).toBe('conversation.ended');
    const ends = await allPages('/api/v1/events?type=conversation.ended', 'after', (b) => !b.hasMore);
    expect(ends.map((e) => e.conversationId).sort()).toEqual([...ended].sort());
    // Polling past the end: nothing, and the cursor stays where it was.
    const last = await get('/api/v1/events?limit=500');
    const again = await get(`/api/v1/events?after=${encodeURIComponent(last.body.nextCursor as string)}`);
    expect(again.body).toEqual({ items: [], nextCursor: last.body.nextCursor, hasMore: false });
  });

  it('lists an event only once it has settled, so a late commit is never behind a cursor', async () => {
    // recorded_at is the writer's time before it commits: a poller must not page past a time still being written.
    const clock = { now: Date.now() };
    const settling = await readApi(db, { eventsSettleMs: 5000, now: () => clock.now });
    try {
      const fresh = randomUUID();
      await liveCall(settling.live, A, fresh, X, new Date().toISOString());
      const list = async () => (await settling.app.inject({ url: `/api/v1/events?conversation=${fresh}`, headers: { authorization: `Bearer ${tokenA}` } })).json<{ items: unknown[] }>().items;
      expect(await list()).toEqual([]);
      clock.now = Date.now() + 5000;
      expect((await list()).length).toBeGreaterThan(0);
    } finally {
      await settling.app.close();
    }
  });

  it('answers 400 naming the field', async () => {
    const cases: [string, RegExp][] = [
      ['/api/v1/conversations?limit=201', /^query\.limit: /],
      ['/api/v1/conversations?limit=0', /^query\.limit: /],
      ['/api/v1/conversations?state=gone', /^query\.state: /],
      ['/api/v1/conversations?agent=bob', /^query\.agent: must be a UUID/],
      ['/api/v1/conversations?from=yesterday', /^query\.from: /],
      ['/api/v1/conversations?cursor=bm90LWEtY3Vyc29y', /^cursor: not a cursor/],
      ['/api/v1/conversations?colour=red', /^query: .*colour/],
      ['/api/v1/conversations/not-a-uuid', /^path\.id: must be a UUID/],
      ['/api/v1/events?type=agent.sneezed', /^query\.type: /],
      ['/api/v1/events?after=%%%', /^after: not a cursor/],
      ['/api/v1/events?limit=501', /^query\.limit: /],
    ];
    for (const [path, message] of cases) {
      const r = await get(path);
      expect({ path, status: r.status }).toEqual({ path, status: 400 });
      expect(r.body.error).toMatch(message);
    }
  });

  it('needs a valid token; admin-only routes need admin', async () => {
    expect((await get('/api/v1/conversations', '')).status).toBe(401);
    expect((await get('/api/v1/conversations', 'hlk_' + 'A'.repeat(43))).status).toBe(401);
    expect((await get('/api/v1/tokens')).status).toBe(403);
    const tokens = await get('/api/v1/tokens', adminA);
    expect(tokens.status).toBe(200);
    expect(tokens.body.items.map((t) => t.name).sort()).toEqual(['admin', 'reader']);
    expect(JSON.stringify(tokens.body)).not.toContain(tokenA);
    expect((await get('/api/v1/conversations', adminA)).status).toBe(200);
  });
});

/**
 * Free-text search of the conversation list (`q`), on SQLite and PostgreSQL:
 * the start of a conversation id, part of a participant name or phone number,
 * case-insensitive; LIKE's own wildcards in the text match themselves; one
 * tenant's text never finds another's conversations.
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

describe.each([
  ['sqlite', () => `sqlite:${tmp.dir}/search.db`],
  ['postgres', () => pg.url],
])('conversation search on %s', (_name, url) => {
  const A = randomUUID();
  const B = randomUUID();
  const imported = randomUUID();
  const live = randomUUID();
  const other = randomUUID();
  let db: Db;
  let app: FastifyInstance;
  let token: string;

  beforeAll(async () => {
    db = await openAppDatabase(url());
    const api = await readApi(db);
    app = api.app;
    token = (await api.tokens.create(A, 'reader', 'read')).secret;
    // importedCall: participant "Alice Agent", customer ani tel:+1555.
    await importedCall(api.store, A, imported, randomUUID(), at(1));
    await liveCall(api.live, A, live, randomUUID(), at(2));
    await importedCall(api.store, B, other, randomUUID(), at(3));
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const search = async (q: string) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/conversations?${new URLSearchParams({ q }).toString()}`, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: { conversationId: string }[] }>().items.map((i) => i.conversationId);
  };

  it('finds by participant name, case-insensitive, and by phone number', async () => {
    expect(await search('alice')).toEqual([imported]);
    expect(await search('ALICE AG')).toEqual([imported]);
    expect(await search('+1555')).toEqual([imported]);
  });

  it('finds by the start of a conversation id, imported or live', async () => {
    expect(await search(imported.slice(0, 8).toUpperCase())).toEqual([imported]);
    expect(await search(live.slice(0, 13))).toEqual([live]);
  });

  it("takes LIKE's wildcards literally and never finds another tenant's", async () => {
    expect(await search('%')).toEqual([]);
    expect(await search('_')).toEqual([]);
    expect(await search('a%e')).toEqual([]);
    expect(await search(other.slice(0, 8))).toEqual([]);
  });

  it('refuses an empty or overlong text', async () => {
    for (const q of ['   ', 'x'.repeat(101)]) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/conversations?q=${encodeURIComponent(q)}`, headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(400);
    }
  });
});

/**
 * Recording playback through the read API (Fastify inject, SQLite, the
 * filesystem object store): an imported recording and a live capture are
 * served whole or by byte range, another tenant's are "not found", ids that
 * are not ids (path traversal) are refused before any lookup, a stored
 * content type that is not audio is never passed on, and OpenAPI documents it.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadModel, TokenStore, mediaRoutes, openApiDocument, parseRange, readRoutes, registerRoutes } from '../../src/api/index.js';
import { openAppDatabase } from '../../src/app/database.js';
import { ConversationStore, LiveStore } from '../../src/conversations/index.js';
import type { Db } from '../../src/platform/db/index.js';
import { FsObjectStore, ObjectNotFoundError } from '../../src/platform/objects/index.js';
import { tempDir } from '../helpers/tmp.js';
import { at, importedCall, liveCall } from './fixtures.js';
import { capturedSession, importedRecording, toneWav } from './media-fixtures.js';

describe('parseRange', () => {
  it.each([
    [undefined, { kind: 'full' }],
    ['bytes=0-99', { kind: 'partial', range: { start: 0, end: 99 } }],
    ['bytes=900-', { kind: 'partial', range: { start: 900, end: 999 } }],
    ['bytes=900-5000', { kind: 'partial', range: { start: 900, end: 999 } }],
    ['bytes=-100', { kind: 'partial', range: { start: 900, end: 999 } }],
    ['bytes=-5000', { kind: 'partial', range: { start: 0, end: 999 } }],
    ['bytes=1000-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=5-4', { kind: 'full' }],
    ['bytes=0-1,5-6', { kind: 'full' }],
    ['items=0-1', { kind: 'full' }],
    ['bytes=-', { kind: 'full' }],
  ])('%s of 1000 bytes', (header, want) => expect(parseRange(header, 1000)).toEqual(want));
});

const A = randomUUID();
const B = randomUUID();
const AGENT = randomUUID();

describe('media routes', () => {
  const tmp = tempDir();
  let db: Db;
  let app: FastifyInstance;
  let objects: FsObjectStore;
  let tokenA: string;
  let tokenB: string;
  const conv = randomUUID();
  const liveConv = randomUUID();
  const session = randomUUID();
  const liveSession = randomUUID();
  const imported = toneWav(1);
  const captured = toneWav(2, 2);
  const liveCaptured = toneWav(0.5);

  beforeAll(async () => {
    db = await openAppDatabase(`sqlite:${tmp.dir}/media.db`);
    objects = new FsObjectStore(`${tmp.dir}/objects`);
    const store = new ConversationStore(db);
    const live = new LiveStore(db);
    const tokens = new TokenStore(db);
    const read = new ReadModel(db, store, live, { eventsSettleMs: 0 });
    app = Fastify();
    registerRoutes(app, [...readRoutes({ read, tokens }), ...mediaRoutes({ read, objects })], { tokens });
    await app.ready();
    tokenA = (await tokens.create(A, 'reader', 'read')).secret;
    tokenB = (await tokens.create(B, 'reader', 'read')).secret;
    await importedCall(store, A, conv, AGENT, at(1), false);
    await importedRecording(store, objects, A, conv, 'rec-1', imported);
    await importedRecording(store, objects, A, conv, 'rec-html', Buffer.from('<script>alert(1)</script>'), 'text/html');
    await capturedSession(objects, A, conv, session, new Date(Date.parse(at(1)) + 5000).toISOString(), captured);
    await liveCall(live, A, liveConv, AGENT, new Date().toISOString());
    await capturedSession(objects, A, liveConv, liveSession, new Date().toISOString(), liveCaptured);
    // Tenant B knows a conversation of the same id, with a capture of its own.
    await importedCall(store, B, conv, AGENT, at(1), false);
  });
  afterAll(async () => {
    await app.close();
    await db.close();
    tmp.cleanup();
  });

  const get = (url: string, token = tokenA, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, ...headers } });
  const recUrl = (id: string = conv, rec = 'rec-1') => `/api/v1/conversations/${id}/recordings/${rec}/media`;

  it('serves an imported recording whole, as audio, with Accept-Ranges', async () => {
    const res = await get(recUrl());
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('audio/wav');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-length']).toBe(String(imported.length));
    expect(Buffer.compare(res.rawPayload, imported)).toBe(0);
  });

  it('answers a Range with 206 and exactly those bytes; past the end with 416', async () => {
    const res = await get(recUrl(), tokenA, { range: 'bytes=100-199' });
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes 100-199/${imported.length}`);
    expect(Buffer.compare(res.rawPayload, imported.subarray(100, 200))).toBe(0);
    const open = await get(recUrl(), tokenA, { range: 'bytes=8000-' });
    expect(open.statusCode).toBe(206);
    expect(Buffer.compare(open.rawPayload, imported.subarray(8000))).toBe(0);
    const past = await get(recUrl(), tokenA, { range: `bytes=${imported.length}-` });
    expect(past.statusCode).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${imported.length}`);
  });

  it('never passes on a stored content type that is not audio', async () => {
    const res = await get(recUrl(conv, 'rec-html'));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('audio/wav');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it("is 404 for another tenant's recording, a foreign tenant parameter, or an unknown one", async () => {
    expect((await get(recUrl(), tokenB)).statusCode).toBe(404);
    expect((await get(`${recUrl()}?tenant=${B}`)).statusCode).toBe(404);
    expect((await get(recUrl(conv, 'rec-2'))).statusCode).toBe(404);
    expect((await get(recUrl(randomUUID()))).statusCode).toBe(404);
  });

  it('is 404 when the stored object is gone, whether found missing or vanishing before the read', async () => {
    const store = new ConversationStore(db);
    const key = await importedRecording(store, objects, A, conv, 'rec-gone', imported);
    await objects.delete(key);
    expect((await get(recUrl(conv, 'rec-gone'))).statusCode).toBe(404);
    await importedRecording(store, objects, A, conv, 'rec-vanishing', imported);
    const real = objects.get.bind(objects);
    objects.get = (k) => Promise.reject(new ObjectNotFoundError(k));
    try {
      expect((await get(recUrl(conv, 'rec-vanishing'))).statusCode).toBe(404);
    } finally {
      objects.get = real;
    }
  });

  it('refuses ids that are not ids (path traversal) with 400, before any lookup', async () => {
    for (const url of [
      recUrl(conv, '..%2F..%2Fetc%2Fpasswd'),
      recUrl(conv, '.hidden'),
      recUrl(conv, 'rec-1.wav'),
      recUrl('..%2F..'),
      `/api/v1/conversations/${conv}/capture/..%2F${session}/media`,
      `/api/v1/conversations/${conv}/capture/${session}.wav/media`,
      `/api/v1/conversations/${conv}/capture/${session}%2F..%2F..%2F..%2F${session}/media`,
      `/api/v1/conversations/..%2F${conv}/capture`,
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
    }
  });

  it('lists the live-captured sessions of a conversation from the recorder sidecars', async () => {
    const res = await get(`/api/v1/conversations/${conv}/capture`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      items: [
        expect.objectContaining({ sessionId: session, size: captured.length, contentType: 'audio/wav', format: 'PCMU', channels: ['external'], rate: 8000, agentName: 'Alice Agent', endReason: 'end', recovered: false }),
      ],
    });
    const live = await get(`/api/v1/conversations/${liveConv}/capture`);
    expect(live.json<{ items: { sessionId: string }[] }>().items.map((i) => i.sessionId)).toEqual([liveSession]);
  });

  it('serves a live capture whole and by range', async () => {
    const url = `/api/v1/conversations/${conv}/capture/${session.toUpperCase()}/media`;
    const res = await get(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('audio/wav');
    expect(Buffer.compare(res.rawPayload, captured)).toBe(0);
    const part = await get(url, tokenA, { range: 'bytes=-58' });
    expect(part.statusCode).toBe(206);
    expect(Buffer.compare(part.rawPayload, captured.subarray(captured.length - 58))).toBe(0);
  });

  it('finds a session opened on the UTC day after the conversation started (a call across midnight)', async () => {
    const late = randomUUID();
    const lateSession = randomUUID();
    await importedCall(new ConversationStore(db), A, late, AGENT, '2024-05-01T23:59:00.000Z', false);
    await capturedSession(objects, A, late, lateSession, '2024-05-02T00:00:10.000Z', liveCaptured);
    const res = await get(`/api/v1/conversations/${late}/capture`);
    expect(res.json<{ items: { sessionId: string }[] }>().items.map((i) => i.sessionId)).toEqual([lateSession]);
    expect((await get(`/api/v1/conversations/${late}/capture/${lateSession}/media`)).statusCode).toBe(200);
  });

  it('is 404 for the captures of a conversation the tenant never tracked nor imported', async () => {
    const unknown = randomUUID();
    await capturedSession(objects, A, unknown, randomUUID(), new Date().toISOString(), liveCaptured);
    expect((await get(`/api/v1/conversations/${unknown}/capture`)).statusCode).toBe(404);
  });

  it("never shows another tenant's captures, even for a conversation id it knows too", async () => {
    const list = await get(`/api/v1/conversations/${conv}/capture`, tokenB);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({ items: [] });
    expect((await get(`/api/v1/conversations/${conv}/capture/${session}/media`, tokenB)).statusCode).toBe(404);
    expect((await get(`/api/v1/conversations/${liveConv}/capture`, tokenB)).statusCode).toBe(404);
    expect((await get(`/api/v1/conversations/${conv}/capture/${randomUUID()}/media`)).statusCode).toBe(404);
  });

  it('is documented in OpenAPI: audio content, Range, 206 and 416', () => {
    const doc = openApiDocument(mediaRoutes({ read: undefined as never, objects: undefined as never }), '1.0.0') as { paths: Record<string, { get: { parameters: { name: string; in: string }[]; responses: Record<string, { content?: Record<string, unknown> }> } }> };
    const media = doc.paths['/api/v1/conversations/{id}/recordings/{recordingId}/media']?.get;
    expect(media?.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:id', 'path:recordingId', 'query:tenant', 'header:Range']);
    expect(Object.keys(media?.responses['200']?.content ?? {})).toContain('audio/wav');
    expect(Object.keys(media?.responses ?? {})).toEqual(expect.arrayContaining(['200', '206', '416', '404']));
    expect(doc.paths['/api/v1/conversations/{id}/capture']?.get.responses['200']?.content?.['application/json']).toBeDefined();
    expect(doc.paths['/api/v1/conversations/{id}/capture/{sessionId}/media']?.get.responses['206']?.content?.['audio/wav']).toBeDefined();
  });
});

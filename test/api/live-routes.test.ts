/**
 * The live API's routes on a listening Fastify app (SSE needs a real socket):
 * authentication, tenant isolation, the per-principal stream cap, the event
 * stream's filters, and the calls snapshot and stream fed by the real gate
 * status store and level-meter sink over memory shared state.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BoundedPublisher, ChannelHub, LiveCalls, LiveMeterSink, SessionStatusStore, StreamLimiter, callsChannel, eventsChannel, liveRoutes, openApiDocument, type LiveCall } from '../../src/api/index.js';
import type { SessionInfo } from '../../src/capture/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { MemoryState } from '../../src/platform/state/index.js';
import { consoleApp, cookieOf, type ConsoleApp } from '../console/fixtures.js';
import { openSse, type SseStream } from './sse-client.js';

const PW = 'live routes test password';
const log = createLogger({ level: 'silent' });
const MAX_STREAMS = 3;

describe('live API routes', () => {
  let c: ConsoleApp;
  let state: MemoryState;
  let hub: ChannelHub;
  let status: SessionStatusStore;
  let out: BoundedPublisher;
  let base: string;
  let A: string;
  let B: string;
  let tokenA: string;
  let tokenB: string;
  const open: SseStream[] = [];

  beforeAll(async () => {
    state = new MemoryState(log);
    hub = new ChannelHub(state, log);
    out = new BoundedPublisher(state, log, 1000);
    status = new SessionStatusStore(state, log, Date.now, (orgId, conversationId, st) => out.publish(callsChannel(orgId), JSON.stringify({ t: 'status', conversationId, status: st })));
    c = await consoleApp({}, true, () => liveRoutes({ hub, calls: new LiveCalls(state, status), limiter: new StreamLimiter(MAX_STREAMS) }));
    [A, B] = c.tenants.map((t) => t.orgId) as [string, string];
    await c.users.add({ username: 'viewer', password: PW, roles: [{ tenant: A, role: 'viewer' }] });
    tokenA = (await c.tokens.create(A, 'reader', 'read')).secret;
    tokenB = (await c.tokens.create(B, 'reader', 'read')).secret;
    base = await c.app.listen({ host: '127.0.0.1', port: 0 });
  });
  // Each test's streams close after it, passed or failed, and the server has let them go before the next.
  afterEach(async () => {
    for (const s of open.splice(0)) s.close();
    await vi.waitFor(() => expect(hub.size).toBe(0), { timeout: 5000, interval: 20 });
  });
  afterAll(async () => {
    await c?.close();
    await state?.close();
  });

  const sse = async (path: string, headers: Record<string, string> = {}) => {
    const s = await openSse(`${base}${path}`, headers);
    open.push(s);
    return s;
  };
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  const event = (tenant: string, type: string, extra: Record<string, unknown> = {}) => ({ version: 1, tenant, conversationId: randomUUID(), seq: 1, type, occurredAt: new Date().toISOString(), ...extra });
  const publish = (e: { tenant: string }) => state.publish(eventsChannel(e.tenant), JSON.stringify(e));
  const ready = (s: SseStream) => s.next((e) => e.event === 'ready');

  it('needs a token or a session, and a session needs a role on the tenant it names', async () => {
    const none = await sse('/api/v1/events/stream');
    expect(none.status).toBe(401);
    expect(await none.body()).toContain('API token is required');
    expect((await sse('/api/v1/live/calls/stream', bearer('hlk_' + 'x'.repeat(43)))).status).toBe(401);
    const login = await c.app.inject({ method: 'POST', url: '/console/api/login', payload: { username: 'viewer', password: PW } });
    const cookie = `hookline_session=${cookieOf(login.headers['set-cookie'])}`;
    expect((await sse(`/api/v1/events/stream?tenant=${B}`, { cookie })).status).toBe(403);
    const ok = await sse(`/api/v1/events/stream?tenant=${A}`, { cookie });
    expect([ok.status, ok.headers['content-type']]).toEqual([200, 'text/event-stream; charset=utf-8']);
    expect((await ready(ok)).data).toEqual({ tenant: A });
    ok.close();
  });

  it("streams only the principal's tenant's events; naming another tenant is not found", async () => {
    expect((await sse(`/api/v1/events/stream?tenant=${B}`, bearer(tokenA))).status).toBe(404);
    const a = await sse('/api/v1/events/stream', bearer(tokenA));
    const b = await sse('/api/v1/events/stream', bearer(tokenB));
    await Promise.all([ready(a), ready(b)]);
    const forA = event(A, 'conversation.created');
    const forB = event(B, 'conversation.created');
    // A's event is published to B's channel too: a stream checks the tenant as well as subscribing by it.
    await state.publish(eventsChannel(B), JSON.stringify(forA));
    await publish(forA);
    await publish(forB);
    const gotA = await a.next((e) => e.event === 'event');
    expect([gotA.data, gotA.id]).toEqual([forA, `${forA.conversationId}:1`]);
    // B's own event came after A's: had A's leaked to B, it would be here already.
    await b.next((e) => e.event === 'event' && (e.data as { tenant: string }).tenant === B);
    expect(b.events.filter((e) => e.event === 'event').map((e) => e.data)).toEqual([forB]);
    a.close();
    b.close();
  });

  it('filters by type and by agent', async () => {
    const agent = randomUUID();
    const other = randomUUID();
    const s = await sse(`/api/v1/events/stream?types=agent.connected,guidance.triggered&agent=${agent}`, bearer(tokenA));
    await ready(s);
    const ref = (userId: string) => ({ participantId: randomUUID(), userId, name: 'N' });
    const skipped = [event(A, 'agent.connected', { agent: ref(other) }), event(A, 'conversation.created')];
    const wanted = [event(A, 'agent.connected', { agent: ref(agent) }), event(A, 'guidance.triggered', { agent: { userId: agent }, rule: 'r', kind: 'phrase', startMs: 0, endMs: 1, evidence: {}, source: 'live' })];
    for (const e of [...skipped, ...wanted]) await publish(e);
    await s.next((e) => (e.data as { type?: string }).type === 'guidance.triggered');
    expect(s.events.filter((e) => e.event === 'event').map((e) => e.data)).toEqual(wanted);
    expect((await sse('/api/v1/events/stream?types=agent.exploded', bearer(tokenA))).status).toBe(400);
    s.close();
  });

  it('caps open streams per principal (429) and frees a slot when a stream closes', async () => {
    const held = await Promise.all(Array.from({ length: MAX_STREAMS }, () => sse('/api/v1/events/stream', bearer(tokenA))));
    await Promise.all(held.map(ready));
    const over = await sse('/api/v1/live/calls/stream', bearer(tokenA));
    expect(over.status).toBe(429);
    // Another principal is not affected.
    const otherPrincipal = await sse('/api/v1/events/stream', bearer(tokenB));
    expect(otherPrincipal.status).toBe(200);
    otherPrincipal.close();
    held[0]?.close();
    await vi.waitFor(async () => {
      const again = await sse('/api/v1/events/stream', bearer(tokenA));
      if (again.status !== 200) throw new Error(`still ${again.status}`);
      again.close();
    }, { timeout: 5000, interval: 20 });
    for (const h of held) h.close();
    await vi.waitFor(() => expect(hub.size).toBe(0), { timeout: 5000, interval: 20 });
  });

  it('lists and streams calls: held, then admitted with agent, levels and forwarding, then ended', async () => {
    const meters = new LiveMeterSink({ out, maxSessions: 10, windowMs: 100 });
    const conversationId = randomUUID();
    const agent = { id: randomUUID(), name: 'Agent Smith' };
    const s = await sse('/api/v1/live/calls/stream', bearer(tokenA));
    expect((await s.next((e) => e.event === 'snapshot')).data).toEqual({ items: [] });
    const startedAt = status.stamp();
    status.record(A, conversationId, { gate: 'held', capture: 'paused', startedAt });
    await s.next((e) => e.event === 'call' && (e.data as LiveCall).state === 'held');
    status.record(A, conversationId, { gate: 'admitted', capture: 'streaming', agentUserId: agent.id, agentName: agent.name, startedAt });
    const info = { orgId: A, conversationId, sessionId: randomUUID(), openedAt: startedAt, media: { type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 } } as unknown as SessionInfo;
    const metered = meters.open(info);
    meters.connection(info.sessionId, 'crm', true);
    meters.connection(info.sessionId, 'asr', true);
    // 100 ms of stereo µ-law: loud customer (0x80 is near full scale), silent agent (0xff is zero).
    const frame = new Uint8Array(1600).map((_, i) => (i % 2 === 0 ? 0x80 : 0xff));
    metered?.audio(frame, 0, 800);
    const level = await s.next((e) => e.event === 'call' && (e.data as LiveCall).levels != null);
    expect((level.data as LiveCall).levels).toMatchObject({ customer: expect.any(Number), agent: -96 });
    expect((level.data as LiveCall).levels?.customer).toBeGreaterThan(-3);

    const listed = await c.app.inject({ url: '/api/v1/live/calls', headers: bearer(tokenA) });
    expect(listed.json<{ items: LiveCall[] }>().items).toEqual([
      { conversationId, agent, state: 'admitted', gate: 'admitted', startedAt, levels: expect.objectContaining({ customer: expect.any(Number) }), forwarded: ['crm', 'asr'] },
    ]);
    expect((await c.app.inject({ url: '/api/v1/live/calls', headers: bearer(tokenB) })).json()).toEqual({ items: [] });

    // A second stream starts from the snapshot, which has the call.
    const late = await sse('/api/v1/live/calls/stream', bearer(tokenA));
    expect(((await late.next((e) => e.event === 'snapshot')).data as { items: LiveCall[] }).items.map((x) => x.conversationId)).toEqual([conversationId]);

    await metered?.end({ reason: 'end', position: 0, endedAt: new Date().toISOString() });
    status.record(A, conversationId, { gate: 'admitted', capture: 'ended', agentUserId: agent.id, startedAt });
    await s.next((e) => e.event === 'ended');
    expect(meters.size).toBe(0);
    expect((await c.app.inject({ url: '/api/v1/live/calls', headers: bearer(tokenA) })).json()).toEqual({ items: [] });
    s.close();
    late.close();
  });

  it('is documented: the streams as text/event-stream with each event\'s data schema, the snapshot as JSON', () => {
    type Op = { responses: Record<string, { content: Record<string, { 'x-hookline-events'?: Record<string, unknown> }> }> };
    const doc = openApiDocument(liveRoutes({ hub, calls: new LiveCalls(state, status), limiter: new StreamLimiter(1) }), 'test') as { paths: Record<string, { get: Op }> };
    const events = doc.paths['/api/v1/events/stream']?.get.responses;
    expect(Object.keys(events?.['200']?.content['text/event-stream']?.['x-hookline-events'] ?? {})).toEqual(['ready', 'event']);
    expect(events?.['429']).toBeDefined();
    expect(Object.keys(doc.paths['/api/v1/live/calls/stream']?.get.responses['200']?.content['text/event-stream']?.['x-hookline-events'] ?? {})).toEqual(['snapshot', 'call', 'ended']);
    expect(Object.keys(doc.paths['/api/v1/live/calls']?.get.responses['200']?.content ?? {})).toEqual(['application/json']);
  });
});

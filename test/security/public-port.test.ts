/**
 * The public AudioHook port against anyone on the internet, over real sockets:
 * what a socket without credentials can make the server do (points 1 and 5 of
 * the hardening issue), and what the public port serves at all (point 4).
 */
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { configSchema } from '../../src/app/config.js';
import { openSession, startTestServer, until, type TestServer } from '../helpers/server.js';

/** A raw WebSocket that sends no credentials and never answers: the worst-behaved client. */
function silentSocket(url: string, orgId: string, localAddress?: string): WebSocket {
  return new WebSocket(url, {
    headers: {
      'audiohook-organization-id': orgId,
      'audiohook-session-id': '6f1d7c52-8f43-4a52-9a44-3a0e2a1b9c11',
      'audiohook-correlation-id': '0b0b2e1e-7a55-4c1e-8a57-6f3e1b1f2d33',
      'x-api-key': 'no-such-key',
    },
    perMessageDeflate: false,
    ...(localAddress ? { localAddress } : {}),
  });
}

const closed = (s: Socket): Promise<unknown> => new Promise((resolve) => s.once('close', resolve));

/** Resolves when the socket is open, or with the error/close that came instead. */
function outcome(ws: WebSocket): Promise<'open' | 'refused'> {
  return new Promise((resolve) => {
    ws.once('open', () => resolve('open'));
    ws.once('error', () => resolve('refused'));
    ws.once('unexpected-response', () => resolve('refused'));
  });
}

describe('a socket that failed authentication (disconnect policy)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      audiohook: { unauthenticatedGraceMs: 300 },
      server: { maxUnauthenticatedPerAddress: 4 },
    });
  });
  afterAll(() => t.stop());

  it('runs no session: open, update, error and audio get no answer, only close gets closed', async () => {
    const errorsBefore = await t.metric('hookline_audiohook_client_errors_total');
    const c = t.client({ apiKey: 'no-such-key', clientSecret: undefined });
    await c.connect();
    c.open();
    c.update({ language: 'fr-FR' });
    c.sendCustom('error', { code: 500, message: 'x' });
    const d = await c.waitFor('disconnect');
    expect(d.parameters).toEqual({ reason: 'unauthorized', info: 'Unauthorized' });
    // The client's close (sent on disconnect) is answered; nothing else ever was.
    await c.waitFor('closed');
    expect(c.received.map((m) => m.type)).toEqual(['disconnect', 'closed']);
    expect(await t.metric('hookline_audiohook_client_errors_total')).toBe(errorsBefore);
  });

  it('answers nothing after disconnect but close and ping: an update after it gets no updated', async () => {
    // A hostile client does not close after the disconnect: it keeps talking.
    const ws = silentSocket(t.wsUrl, t.orgId);
    const received: string[] = [];
    ws.on('message', (data) => received.push(String(JSON.parse(String(data)).type)));
    await once(ws, 'open');
    const send = (type: string, seq: number, parameters: Record<string, unknown> = {}) =>
      ws.send(JSON.stringify({ version: '2', id: '6f1d7c52-8f43-4a52-9a44-3a0e2a1b9c11', type, seq, serverseq: 0, position: 'PT0S', parameters }));
    const participant = { id: '1e0b2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b', ani: '', aniName: '', dnis: '' };
    // Before the disconnect (the failure delay is still running) and after it.
    send('open', 1, { organizationId: t.orgId, conversationId: '2e0b2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b', participant, media: [{ type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 }] });
    send('update', 2);
    await until(() => received.includes('disconnect'), 3000, 'disconnect');
    send('update', 3);
    send('ping', 4);
    await until(() => received.includes('pong'), 3000, 'pong');
    expect(received).toEqual(['disconnect', 'pong']);
    ws.terminate();
  });

  it('cuts a silent socket off shortly after its disconnect', async () => {
    const ws = silentSocket(t.wsUrl, t.orgId);
    const closed = once(ws, 'close');
    await once(ws, 'open');
    const started = Date.now();
    await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('still open')), 1500))]);
    // failureDelayMs (150) + unauthenticatedGraceMs (300), far below closeGraceSeconds (2 s).
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('bounds unauthenticated sockets per source address; other addresses still open sessions', async () => {
    const refusedBefore = await t.metric('hookline_http_connections_refused_total{reason="unauthenticated-per-address"}');
    const held = Array.from({ length: 4 }, () => silentSocket(t.wsUrl, t.orgId, '127.0.0.2'));
    expect(await Promise.all(held.map(outcome))).toEqual(['open', 'open', 'open', 'open']);
    const fifth = silentSocket(t.wsUrl, t.orgId, '127.0.0.2');
    expect(await outcome(fifth)).toBe('refused');
    expect(await t.metric('hookline_http_connections_refused_total{reason="unauthenticated-per-address"}')).toBe(refusedBefore + 1);
    // A real call from another address is unaffected.
    const live = t.client();
    await openSession(live);
    live.close();
    await live.waitFor('closed');
    for (const ws of held) ws.terminate();
  });
});

describe('connection bounds on the public port', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ server: { headersTimeoutMs: 300, requestTimeoutMs: 1000, maxConnections: 3, maxUnauthenticatedPerAddress: 100 } });
  });
  afterAll(() => t.stop());

  const tcp = async (): Promise<Socket> => {
    const s = connect(t.server.port, '127.0.0.1');
    s.on('error', () => undefined); // the server may reset it: that is what is tested
    await once(s, 'connect');
    return s;
  };

  it('closes a connection whose headers never finish (slowloris)', async () => {
    const s = await tcp();
    s.write('GET /api/v1/audiohook/ws HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const timer = setInterval(() => s.writable && s.write('a'), 100);
    try {
      await Promise.race([closed(s), new Promise((_, reject) => setTimeout(() => reject(new Error('slow request still open')), 5000))]);
    } finally {
      clearInterval(timer);
      s.destroy();
    }
  });

  it('refuses connections beyond maxConnections and counts them; a slot frees when one closes', async () => {
    const before = await t.metric('hookline_http_connections_refused_total{reason="max-connections"}');
    const held = [await tcp(), await tcp(), await tcp()];
    const extra = await tcp();
    await closed(extra);
    await until(async () => (await t.metric('hookline_http_connections_refused_total{reason="max-connections"}')) === before + 1, 2000, 'the refusal counted');
    for (const s of held) s.destroy();
    const healthz = () => fetch(`${t.server.url}/healthz`, { signal: AbortSignal.timeout(500) }).then((r) => r.status, () => 0);
    await until(async () => (await healthz()) === 200, 5000, 'a free slot');
  });
});

describe('what the public port serves', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ metrics: { port: 0, bearerToken: 'scrape-token-0123456789' } });
  });
  afterAll(() => t.stop());

  it('serves /healthz and /readyz but not /metrics', async () => {
    expect((await fetch(`${t.server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.server.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${t.server.url}/metrics`)).status).toBe(404);
  });

  it('serves metrics on their own listener, behind the bearer token', async () => {
    const url = t.server.metrics?.url as string;
    expect(new URL(url).hostname).toBe('127.0.0.1');
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: 'Bearer scrape-token-0123456789' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('hookline_audiohook_auth_failures_total');
  });

  it('refuses to expose metrics beyond loopback without a token, and defaults to loopback', () => {
    expect(configSchema.parse({}).metrics).toMatchObject({ host: '127.0.0.1', port: 9464 });
    const r = configSchema.safeParse({ metrics: { host: '0.0.0.0' } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['metrics', 'bearerToken']);
  });
});

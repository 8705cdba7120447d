/**
 * `POST /api/v1/eventbridge/{tenant}` on the public port: authentication
 * before the body, one bare 401 for every refusal, bounded and validated
 * envelopes naming the bad field, ignored topics, and 503 when no tracking
 * leader can take the event. (The pipeline behind it: eventbridge.e2e.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

const SECRET = 'eventbridge-secret-0123456789';
const HEADER = 'x-hookline-eventbridge-key';
let t: TestServer;
let ebOrg: string;
let wsOrg: string;

beforeAll(async () => {
  ebOrg = randomUUID();
  wsOrg = randomUUID();
  t = await startTestServer({
    tenants: [
      // No Genesys client: nobody leads it, so accepted events find no leader.
      { orgId: ebOrg, name: 'EB', notifications: { source: 'eventbridge', eventbridge: { secret: SECRET } } },
      { orgId: wsOrg, name: 'WS', notifications: { source: 'websocket', eventbridge: { secret: SECRET } } },
    ],
  });
});
afterAll(() => t?.stop());

const url = (orgId: string) => `${t.server.url}/api/v1/eventbridge/${orgId}`;

function envelope(orgId: string, over: Record<string, unknown> = {}, detail: Record<string, unknown> = {}): Record<string, unknown> {
  const userId = randomUUID();
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'v2.users.{id}.conversations.calls',
    source: `aws.partner/genesys.com/cloud/${orgId}/hookline`,
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: { topicName: `v2.users.${userId}.conversations.calls`, version: '2', eventBody: { id: randomUUID(), participants: [] }, metadata: { CorrelationId: randomUUID() }, timestamp: new Date().toISOString(), ...detail },
    ...over,
  };
}

async function post(orgId: string, body: unknown, headers: Record<string, string> = { [HEADER]: SECRET }): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(url(orgId), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/**
 * Streams `total` bytes of body after the headers and reports how much was
 * written when the response arrived: an answer before the end means the
 * server decided without reading the body.
 */
function postHuge(orgId: string, headers: Record<string, string>, total: number): Promise<{ status: number; sentWhenAnswered: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const u = new URL(url(orgId));
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(total), ...headers } });
    req.on('response', (res) => {
      answered = true;
      resolve({ status: res.statusCode ?? 0, sentWhenAnswered: sent });
      res.resume();
    });
    // The server closes the connection after answering: the rest of our write fails, as it should.
    req.on('error', (err) => (answered ? undefined : reject(err)));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (!answered && sent < total) {
        const n = Math.min(chunk.length, total - sent);
        sent += n;
        if (!req.write(chunk.subarray(0, n))) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('EventBridge endpoint: authentication', () => {
  it('refuses a wrong or missing secret before reading a huge body', async () => {
    const total = 64 * 1024 * 1024;
    for (const headers of [{ [HEADER]: 'wrong-secret-0123456789abcdef' }, {}] as Record<string, string>[]) {
      const r = await postHuge(ebOrg, headers, total);
      expect(r.status).toBe(401);
      expect(r.sentWhenAnswered).toBeLessThan(total);
    }
  }, 30_000);

  it('answers an unknown tenant, a wrong secret, a WebSocket tenant and a bad id alike', async () => {
    const answers = await Promise.all([
      post(randomUUID(), envelope(ebOrg)),
      post(ebOrg, envelope(ebOrg), { [HEADER]: `${SECRET}x` }),
      post(ebOrg, envelope(ebOrg), { 'x-other-header': SECRET }),
      post(wsOrg, envelope(wsOrg)),
      post('not-a-uuid', envelope(ebOrg)),
    ]);
    for (const a of answers) {
      expect(a.status).toBe(401);
      expect(a.text).toBe('');
      expect(a.headers.get('content-type')).toBeNull();
    }
  });

  it('takes the tenant id in any case', async () => {
    const r = await post(ebOrg.toUpperCase(), envelope(ebOrg, {}, { topicName: 'v2.users.x.presence' }));
    expect(r.status).toBe(200);
  });
});

describe('EventBridge endpoint: the envelope', () => {
  it.each([
    ['detail-type', (e: Record<string, unknown>) => void delete e['detail-type']],
    ['source', (e: Record<string, unknown>) => void (e.source = 42)],
    ['detail', (e: Record<string, unknown>) => void delete e.detail],
    ['detail.topicName', (e: Record<string, unknown>) => void delete (e.detail as Record<string, unknown>).topicName],
    ['detail.eventBody', (e: Record<string, unknown>) => void ((e.detail as Record<string, unknown>).eventBody = 'text')],
    ['detail.metadata.CorrelationId', (e: Record<string, unknown>) => void ((e.detail as Record<string, unknown>).metadata = { CorrelationId: 7 })],
  ])('a bad %s is a 400 naming it', async (field, spoil) => {
    const e = envelope(ebOrg);
    spoil(e);
    const r = await post(ebOrg, e);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toMatchObject({ field });
  });

  it("refuses another organization's event source, naming source", async () => {
    const r = await post(ebOrg, envelope(ebOrg, { source: `aws.partner/genesys.com/cloud/${randomUUID()}/hookline` }));
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toMatchObject({ field: 'source' });
  });

  it('refuses a body over 256 KB', async () => {
    const big = envelope(ebOrg, {}, { eventBody: { pad: 'x'.repeat(256 * 1024) } });
    expect((await post(ebOrg, big)).status).toBe(413);
  });

  it('accepts and ignores topics no leader needs', async () => {
    const r = await post(ebOrg, envelope(ebOrg, {}, { topicName: `v2.users.${randomUUID()}.presence` }));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ status: 'ignored' });
  });

  it('answers 503 with Retry-After when no leader can take the event', async () => {
    const r = await post(ebOrg, envelope(ebOrg));
    expect(r.status).toBe(503);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

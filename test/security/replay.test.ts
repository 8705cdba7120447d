/**
 * Point 10 of the hardening issue over real sockets: a captured upgrade
 * cannot be replayed on another replica (nonces shared through Redis), and a
 * client cannot choose the authority its signature is checked against.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { signRequest } from '../../src/protocol/signature/index.js';
import { REDIS_URL, uniqueName } from '../helpers/services.js';
import { startTestServer, until, type TestServer } from '../helpers/server.js';

const AUTHORITY = 'audiohook.hookline.test';

/** The headers Genesys would send for one upgrade, signed once for the public authority. */
function capturedUpgrade(t: TestServer): Record<string, string> {
  const headers: Record<string, string> = {
    'audiohook-organization-id': t.orgId,
    'audiohook-session-id': randomUUID(),
    'audiohook-correlation-id': randomUUID(),
    'x-api-key': t.apiKey,
  };
  return { ...headers, ...signRequest({ requestTarget: t.config.audiohook.path, authority: AUTHORITY, headers }, { apiKey: t.apiKey, clientSecret: t.secret, nowSeconds: Date.now() / 1000 }) };
}

/** Connects with these headers and sends `open`; resolves with the first reply's type: `opened`, or `disconnect` when refused. */
async function firstReply(url: string, headers: Record<string, string>): Promise<string> {
  const ws = new WebSocket(url, { headers, perMessageDeflate: false });
  const types: string[] = [];
  ws.on('message', (d) => types.push(String((JSON.parse(String(d)) as { type: string }).type)));
  await once(ws, 'open');
  const open = {
    organizationId: headers['audiohook-organization-id'],
    conversationId: randomUUID(),
    participant: { id: randomUUID(), ani: '', aniName: '', dnis: '' },
    media: [{ type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 }],
  };
  ws.send(JSON.stringify({ version: '2', id: headers['audiohook-session-id'], type: 'open', seq: 1, serverseq: 0, position: 'PT0S', parameters: open }));
  await until(() => types.length > 0, 5000, 'a reply');
  ws.terminate();
  return types[0] as string;
}

describe('replay across replicas (state: redis)', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    const shared = { state: REDIS_URL, namespace: uniqueName('hl-replay').replace(/_/g, '-').toLowerCase(), server: { publicAuthority: AUTHORITY } };
    a = await startTestServer(shared);
    b = await startTestServer({ ...shared, tenants: a.config.tenants });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('accepts a signature once, on one replica, and refuses it on the other', async () => {
    const headers = capturedUpgrade(a);
    expect(await firstReply(a.wsUrl, headers)).toBe('opened');
    const before = await b.metric('hookline_audiohook_auth_failures_total{reason="replayed-nonce"}');
    expect(await firstReply(b.wsUrl, headers)).toBe('disconnect');
    expect(await b.metric('hookline_audiohook_auth_failures_total{reason="replayed-nonce"}')).toBe(before + 1);
  });
});

describe('forwarded headers', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('are not trusted by default: X-Forwarded-Host cannot pick the authority a signature is checked against', async () => {
    // Signed for another host (captured there), replayed here with a forwarded header naming that host.
    const headers = { ...capturedUpgrade(t), 'x-forwarded-host': AUTHORITY };
    expect(t.config.server.trustForwardedHeaders).toBe(false);
    expect(await firstReply(t.wsUrl, headers)).toBe('disconnect');
  });
});

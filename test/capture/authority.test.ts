/**
 * The signature's @authority behind a proxy: `server.publicAuthority` wins,
 * else X-Forwarded-Host(+Port) when forwarded headers are trusted, else Host.
 * Signed with the authority the server should use, a request is accepted;
 * signed with any other, it is refused (HTTP 401 here, for a clear signal).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signRequest } from '../../src/protocol/signature/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

/** Upgrades with a signature over `authority`; resolves 'open' or the HTTP status it was refused with. */
function dial(s: TestServer, authority: string, extra: Record<string, string> = {}): Promise<'open' | number> {
  const url = new URL(s.wsUrl);
  const headers: Record<string, string> = {
    'audiohook-organization-id': s.orgId,
    'audiohook-session-id': randomUUID(),
    'audiohook-correlation-id': randomUUID(),
    'x-api-key': s.apiKey,
    ...extra,
  };
  Object.assign(headers, signRequest({ requestTarget: url.pathname, authority, headers }, { apiKey: s.apiKey, clientSecret: s.secret, nowSeconds: Date.now() / 1000 }));
  const ws = new WebSocket(s.wsUrl, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.terminate();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (err) => reject(err));
  });
}

const http401 = { audiohook: { authFailure: 'http', signature: { failureDelayMs: 0 } } };

describe('@authority', () => {
  it('uses server.publicAuthority over Host and forwarded headers', async () => {
    t = await startTestServer({ ...http401, server: { publicAuthority: 'hookline.example.com' } });
    const forwarded = { 'x-forwarded-host': 'proxy.example.com' };
    expect(await dial(t, 'hookline.example.com', forwarded)).toBe('open');
    expect(await dial(t, new URL(t.wsUrl).host)).toBe(401);
    expect(await dial(t, 'proxy.example.com', forwarded)).toBe(401);
  });

  it('uses X-Forwarded-Host and X-Forwarded-Port when forwarded headers are trusted', async () => {
    t = await startTestServer({ ...http401, server: { trustForwardedHeaders: true } });
    const forwarded = { 'x-forwarded-host': 'proxy.example.com, inner.example.com', 'x-forwarded-port': '8443' };
    expect(await dial(t, 'proxy.example.com:8443', forwarded)).toBe('open');
    expect(await dial(t, new URL(t.wsUrl).host, forwarded)).toBe(401);
    expect(await dial(t, new URL(t.wsUrl).host)).toBe('open');
  });

  it('ignores forwarded headers when they are not trusted', async () => {
    t = await startTestServer({ ...http401, server: { trustForwardedHeaders: false } });
    const forwarded = { 'x-forwarded-host': 'proxy.example.com', 'x-forwarded-port': '8443' };
    expect(await dial(t, 'proxy.example.com:8443', forwarded)).toBe(401);
    expect(await dial(t, new URL(t.wsUrl).host, forwarded)).toBe('open');
  });
});

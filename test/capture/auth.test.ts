/**
 * Conformance item 1 (audiohook.md §1.20): authentication at the upgrade, over
 * real sockets, under both failure policies.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, startTestServer, type TestServer } from '../helpers/server.js';

describe('AudioHook authentication (disconnect policy, the default)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('accepts a correctly signed upgrade', async () => {
    const c = t.client();
    const opened = await openSession(c);
    expect(opened.media).toHaveLength(1);
    c.close();
    await c.waitFor('closed');
  });

  it('accepts unsigned requests only for a key without a secret', async () => {
    const ok = t.client({ apiKey: t.unsignedKey, clientSecret: undefined });
    await openSession(ok);
    ok.close();
    await ok.waitFor('closed');
    const bad = t.client({ clientSecret: undefined });
    await bad.connect();
    const d = await bad.waitFor('disconnect');
    expect(d.parameters).toEqual({ reason: 'unauthorized', info: 'Unauthorized' });
  });

  async function expectRejected(opts: Parameters<TestServer['client']>[0], reason: string): Promise<void> {
    const before = await t.metric(`hookline_audiohook_auth_failures_total{reason="${reason}"}`);
    const c = t.client(opts);
    const started = Date.now();
    await c.connect();
    c.open();
    const d = await c.waitFor('disconnect');
    // Uniform minimum delay before any failure is reported.
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(d.parameters.reason).toBe('unauthorized');
    // Terse: the reason is logged and counted, never told to the client.
    expect(d.parameters.info).toBe('Unauthorized');
    expect(c.received.some((m) => m.type === 'opened')).toBe(false);
    // The client's close after our disconnect still gets exactly one closed.
    await c.waitFor('closed');
    expect(c.received.filter((m) => m.type === 'closed')).toHaveLength(1);
    expect(await t.metric(`hookline_audiohook_auth_failures_total{reason="${reason}"}`)).toBe(before + 1);
  }

  it('rejects a missing API key', () => expectRejected({ headers: { 'x-api-key': undefined } }, 'missing-api-key'));
  it('rejects an unknown API key', () => expectRejected({ apiKey: 'no-such-key', clientSecret: undefined }, 'unknown-api-key'));
  it('rejects a missing signature', () => expectRejected({ clientSecret: undefined }, 'missing-signature'));
  it('rejects a wrong secret (forged signature)', () => expectRejected({ clientSecret: Buffer.alloc(32, 9).toString('base64') }, 'mismatch'));
  it('rejects an expired signature', () => expectRejected({ signAt: Date.now() / 1000 - 120 }, 'expired'));
  it('rejects a signature created in the future', () => expectRejected({ signAt: Date.now() / 1000 + 120 }, 'created-in-future'));
  it('rejects a short nonce', () => expectRejected({ nonce: 'c2hvcnQ' }, 'short-nonce'));
  it('rejects a tampered covered header', () => expectRejected({ headers: { 'audiohook-correlation-id': randomUUID() } }, 'mismatch'));
  it('rejects a key used for another organization', () => expectRejected({ apiKey: t.otherKey }, 'org-mismatch'));

  it('rejects a replayed signature (same nonce twice)', async () => {
    const nonce = 'cmVwbGF5LXRlc3Qtbm9uY2UtMDAx';
    const sessionId = randomUUID();
    const correlationId = randomUUID();
    const signAt = Math.floor(Date.now() / 1000);
    const first = t.client({ nonce, sessionId, correlationId, signAt });
    await openSession(first);
    first.close();
    await first.waitFor('closed');
    await expectRejected({ nonce, sessionId, correlationId, signAt }, 'replayed-nonce');
  });

  it('rejects missing or malformed Audiohook headers', () => expectRejected({ headers: { 'audiohook-correlation-id': 'not-a-uuid' } }, 'bad-headers'));

  it('disconnects when open.organizationId differs from the header', async () => {
    const c = t.client();
    await c.connect();
    c.sendCustom('open', { ...c.core.options.open, organizationId: randomUUID() });
    const d = await c.waitFor('disconnect');
    expect(d.parameters.reason).toBe('unauthorized');
    expect(c.received.some((m) => m.type === 'opened')).toBe(false);
  });
});

describe('AudioHook authentication (HTTP 401 policy)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ audiohook: { authFailure: 'http' } });
  });
  afterAll(() => t.stop());

  it('answers 401 at the upgrade after the failure delay', async () => {
    const c = t.client({ clientSecret: Buffer.alloc(32, 1).toString('base64') });
    const started = Date.now();
    await expect(c.connect()).rejects.toThrow(/401/);
    expect(c.httpStatus).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('still accepts a valid upgrade', async () => {
    const c = t.client();
    await openSession(c);
    c.close();
    await c.waitFor('closed');
  });
});

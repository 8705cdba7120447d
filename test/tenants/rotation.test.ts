/**
 * Credential rotation on a running server: a new key (with its own secret) is
 * accepted once the credential cache refreshes, the old one keeps working
 * until it is removed, and a removed key is refused from the next refresh on.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  // No timed refresh: each step refreshes explicitly, so nothing depends on a timer.
  t = await startTestServer({ audiohook: { credentialRefreshSeconds: 3600 } });
});
afterAll(() => t.stop());

async function accepted(apiKey: string, clientSecret: string): Promise<void> {
  const c = t.client({ apiKey, clientSecret });
  await openSession(c);
  c.close();
  await c.waitFor('closed');
}

async function refused(apiKey: string, clientSecret: string): Promise<void> {
  const c = t.client({ apiKey, clientSecret });
  await c.connect();
  c.open();
  const d = await c.waitFor('disconnect');
  expect(d.parameters).toEqual({ reason: 'unauthorized', info: 'Unauthorized' });
  expect(c.received.some((m) => m.type === 'opened')).toBe(false);
}

describe('API key rotation and removal', () => {
  it('accepts a rotated-in key after a refresh, keeps the old one until removed, then refuses it', async () => {
    const newKey = `rotated-${randomBytes(6).toString('hex')}`;
    const newSecret = randomBytes(32).toString('base64');
    // Before the refresh the running server does not know the new key.
    await t.server.ctx.tenants.addApiKey({ orgId: t.orgId, apiKey: newKey, secret: newSecret }, 'cli');
    await refused(newKey, newSecret);
    await t.server.tenants.refresh();
    await accepted(newKey, newSecret);
    // The new key is signed: its secret, not the old one, is what proves the caller.
    await refused(newKey, t.secret);
    // Overlap: the old key still works until it is removed.
    await accepted(t.apiKey, t.secret);

    expect(await t.server.ctx.tenants.removeApiKey(t.apiKey)).toBe(true);
    await t.server.tenants.refresh();
    await refused(t.apiKey, t.secret);
    await accepted(newKey, newSecret);
  });
});

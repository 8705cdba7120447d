/**
 * Org ids are lower-case UUIDs at every boundary, and the gate fails closed:
 * an org id written upper-case in the config must not make every call of a
 * `monitored-group` tenant bypass the gate, and a session whose tenant has no
 * settings is refused, not admitted.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdmissionContext, SessionHandle } from '../../src/capture/index.js';
import { Gate } from '../../src/gate/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { createRegistry } from '../../src/platform/metrics/index.js';
import { AudioHookClient } from '../../src/simulate/index.js';
import { openSession, startTestServer, type TestServer } from '../helpers/server.js';

const orgId = randomUUID();
const apiKey = `case-${randomBytes(6).toString('hex')}`;
const secret = randomBytes(32).toString('base64');
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({
    tenants: [{ orgId: orgId.toUpperCase(), name: 'Upper', admission: 'monitored-group', gateTimeoutSeconds: 30, apiKeys: [{ key: apiKey, secret }] }],
  });
});
afterAll(async () => {
  await t.stop();
});

const client = (org: string) => new AudioHookClient({ url: t.wsUrl, apiKey, clientSecret: secret, orgId: org });

describe('org id letter case', () => {
  it('stores and looks up the org id lower-case', async () => {
    expect(t.server.tenants.tenant(orgId)?.orgId).toBe(orgId);
    expect((await t.server.ctx.tenants.listTenants()).map((x) => x.orgId)).toEqual([orgId]);
  });

  it.each([
    ['lower-case (as Genesys sends it)', () => orgId],
    ['upper-case', () => orgId.toUpperCase()],
  ])('holds a %s caller of a monitored-group tenant configured upper-case', async (_what, org) => {
    const c = client(org());
    try {
      const opened = await openSession(c);
      expect(opened.startPaused).toBe(true);
    } finally {
      c.close();
    }
  });
});

describe('gate without a policy', () => {
  it('refuses the session instead of admitting it', () => {
    const gate = new Gate({ policy: () => undefined, registry: createRegistry(false), log: createLogger({ level: 'silent' }) });
    try {
      const ctx = { orgId: randomUUID(), sessionId: randomUUID(), correlationId: randomUUID(), conversationId: randomUUID() } as AdmissionContext;
      const handle = { context: ctx } as SessionHandle;
      expect(gate.decide(ctx, handle)).toMatchObject({ type: 'reject', reason: 'unauthorized' });
    } finally {
      gate.stop();
    }
  });
});

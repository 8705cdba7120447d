/**
 * Two replicas on PostgreSQL and Redis state: an EventBridge delivery that
 * lands on the replica which does not lead the tenant reaches the leader
 * through shared state (its tracker's events come back to every replica), and
 * a delivery no leader can take is answered 503 so EventBridge retries.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { TenantEvent } from '../../src/tracking/index.js';
import { startTestServer, until, type TestServer } from '../helpers/server.js';
import { REDIS_URL, dropPgSchema, pgUrlWithFreshSchema, uniqueName } from '../helpers/services.js';

const SECRET = 'replicas-eventbridge-secret-0123';
const HEADER = 'x-hookline-eventbridge-key';
const pg = pgUrlWithFreshSchema();
let emu: RunningEmulator;
let replicas: TestServer[] = [];
let orgId: string;
/** A tenant whose Genesys cannot be reached: no leader ever gets ready. */
let strandedOrg: string;
let agentId: string;

beforeAll(async () => {
  emu = await startEmulator({ speed: 1, seed: { orgs: [{ name: 'EB Replicas', users: [{ name: 'Ann' }, { name: 'Ben' }], groups: [{ name: 'Monitored', members: ['Ann'] }], queues: [{ name: 'Q' }] }] } });
  const org = emu.seeded[0]!;
  orgId = org.orgId;
  strandedOrg = randomUUID();
  agentId = org.users[0]!.id;
  const eventbridge = { source: 'eventbridge', eventbridge: { secret: SECRET } };
  const shared = {
    database: pg.url,
    state: REDIS_URL,
    namespace: uniqueName('hl').replace(/_/g, '-'),
    security: { masterKey: randomBytes(32).toString('base64') },
    tracking: { syncIntervalSeconds: 60, leaseTtlSeconds: 2 },
    ingest: { enabled: false },
    tenants: [
      { orgId, name: 'EB', genesys: { clientId: org.clients[0]!.clientId, clientSecret: org.clients[0]!.clientSecret, apiUrl: org.apiUrl, loginUrl: org.loginUrl }, monitoredGroupId: org.groups[0]!.id, admission: 'monitored-group', notifications: eventbridge },
      { orgId: strandedOrg, name: 'Stranded', genesys: { clientId: 'x', clientSecret: 'y', apiUrl: 'http://127.0.0.1:9', loginUrl: 'http://127.0.0.1:9' }, monitoredGroupId: randomUUID(), admission: 'monitored-group', notifications: eventbridge },
    ],
  };
  replicas = [await startTestServer(shared), await startTestServer(shared)];
  await until(() => replicas.some((r) => r.server.tracking.isLeader(orgId) && r.server.tracking.watcher(orgId)?.ready), 15_000, 'a leader to know the agents');
}, 60_000);
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await emu?.stop();
  await dropPgSchema(pg.schema);
});

function envelope(org: string, conversationId: string, userId: string): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'v2.users.{id}.conversations.calls',
    source: `aws.partner/genesys.com/cloud/${org}/hookline`,
    time: now,
    resources: [],
    detail: {
      topicName: `v2.users.${userId}.conversations.calls`,
      version: '2',
      eventBody: {
        id: conversationId,
        participants: [
          { id: randomUUID(), purpose: 'customer', state: 'connected', startTime: now, connectedTime: now, ani: 'tel:+15550001', dnis: 'tel:+15550002' },
          { id: randomUUID(), purpose: 'agent', state: 'connected', startTime: now, connectedTime: now, user: { id: userId } },
        ],
      },
      timestamp: now,
    },
  };
}

const post = (r: TestServer, org: string, body: unknown) =>
  fetch(`${r.server.url}/api/v1/eventbridge/${org}`, { method: 'POST', headers: { 'content-type': 'application/json', [HEADER]: SECRET }, body: JSON.stringify(body) });

describe('EventBridge across replicas', () => {
  it('hands a delivery on the non-leader to the leader, whose events reach every replica', async () => {
    const follower = replicas.find((r) => !r.server.tracking.isLeader(orgId))!;
    const heard: TenantEvent[] = [];
    follower.server.tracking.onEvent((e) => heard.push(e));
    const conversationId = randomUUID();
    const res = await post(follower, orgId, envelope(orgId, conversationId, agentId));
    expect(res.status).toBe(202);
    await until(() => heard.some((e) => e.type === 'agent.connected' && e.conversationId === conversationId && e.agent.userId === agentId && e.agent.monitored), 10_000, 'the leader\'s agent.connected on the follower');
  });

  it('answers 503 with Retry-After on every replica when no leader can take the delivery', async () => {
    for (const r of replicas) {
      const res = await post(r, strandedOrg, envelope(strandedOrg, randomUUID(), randomUUID()));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
    }
  });
});

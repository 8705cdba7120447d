/**
 * The emulator seeded for the multi-process e2e tests (replicas, cluster
 * workers): one org with three agents, two of them in the monitored group,
 * and one queue. Analytics never catch up and heartbeats are quick, so the
 * tests see only what real-time capture does.
 */
import { startEmulator } from '../../src/emulator/index.js';

export function startMonitoredOrgEmulator(orgName: string) {
  return startEmulator({
    speed: 1,
    seed: {
      settings: { analytics: { availabilityLagMs: 3_600_000 }, notifications: { heartbeatSeconds: 5 } },
      orgs: [{ name: orgName, users: [{ name: 'Ann' }, { name: 'Ben' }, { name: 'Cid' }], groups: [{ name: 'Monitored', members: ['Ann', 'Ben'] }], queues: [{ name: 'Q' }] }],
    },
  });
}

/** The seeded org as a Hookline tenant: its monitored group gates calls, and admitted audio goes to `receiverPort`. */
export function monitoredTenant(
  org: Awaited<ReturnType<typeof startMonitoredOrgEmulator>>['seeded'][number],
  name: string,
  key: { apiKey: string; secret: string },
  receiverPort: number,
) {
  return {
    orgId: org.orgId,
    name,
    apiKeys: [{ key: key.apiKey, secret: key.secret }],
    genesys: { clientId: org.clients[0]!.clientId, clientSecret: org.clients[0]!.clientSecret, apiUrl: org.apiUrl, loginUrl: org.loginUrl },
    monitoredGroupId: org.groups[0]!.id,
    admission: 'monitored-group',
    gateTimeoutSeconds: 20,
    downstream: [{ url: `ws://127.0.0.1:${receiverPort}`, channels: 'both' }],
  };
}

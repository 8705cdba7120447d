/**
 * The whole system for end-to-end tests: the Genesys emulator with one org
 * (agents, a monitored group, an OAuth client), a Hookline server whose tenant
 * points at it, the AudioHook integration wired from the emulator to the
 * server, and a stream receiver. Real sockets throughout.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { startEmulator, type EmulatorControl } from '../../src/emulator/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { Receiver } from '../../src/receiver/index.js';
import { startTestServer, until, type TestServer } from './server.js';
import { tempDir } from './tmp.js';

export interface StackOptions {
  /** Agents in the org; the first `monitored` of them form the monitored group. */
  agents?: number;
  monitored?: number;
  /** Tenant settings (admission, gateTimeoutSeconds, onGateTimeout, onTransferAway…). */
  tenant?: Record<string, unknown>;
  /** Server config overrides (deep-merged). */
  server?: Record<string, unknown>;
  /** Emulator settings patch. */
  emulatorSettings?: Record<string, unknown>;
  speed?: number;
  receiver?: boolean;
  /** The console app's build directory (browser tests): served by the server's admin listener. */
  consoleAssets?: string;
}

export interface Stack {
  orgId: string;
  agents: { id: string; name: string; email: string }[];
  groupId: string;
  queueId: string;
  control: EmulatorControl;
  emulatorUrl: string;
  t: TestServer;
  /** The tenant's AudioHook credentials, for sessions the test opens itself. */
  apiKey: string;
  secret: string;
  receiver: Receiver | undefined;
  receivedDir: string;
  /** Waits until the tenant leader subscribed the monitored agents' topics. */
  tracking(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const orgId = randomUUID();
  const agentCount = o.agents ?? 3;
  const monitoredCount = o.monitored ?? 2;
  const users = Array.from({ length: agentCount }, (_, i) => ({ name: `Agent ${String.fromCharCode(65 + i)}`, email: `agent${i}@example.com` }));
  const emu = await startEmulator({
    speed: o.speed ?? 1,
    seed: {
      settings: { analytics: { availabilityLagMs: 500 }, recordings: { transcodeDelayMs: 500 }, notifications: { heartbeatSeconds: 5 }, ...(o.emulatorSettings ?? {}) },
      orgs: [
        {
          id: orgId,
          name: 'E2E Org',
          users,
          groups: [{ name: 'Monitored', members: users.slice(0, monitoredCount).map((u) => u.email) }],
          queues: [{ name: 'Support' }],
          wrapupCodes: [{ name: 'Resolved' }],
        },
      ],
    },
  });
  const org = emu.seeded[0];
  if (!org) throw new Error('emulator seeded no org');
  const client = org.clients[0] as { clientId: string; clientSecret: string };
  const out = tempDir('hookline-e2e-recv-');
  let receiver: Receiver | undefined;
  if (o.receiver !== false) {
    receiver = new Receiver({ port: 0, outDir: out.dir, log: createLogger({ level: 'silent' }) });
    await receiver.start();
  }
  const apiKey = `e2e-${randomBytes(6).toString('hex')}`;
  const secret = randomBytes(32).toString('base64');
  const t = await startTestServer({
    tracking: { syncIntervalSeconds: 1, leaseTtlSeconds: 2 },
    ingest: { firstAttemptDelaySeconds: 0, retryBaseSeconds: 0.2, retryMaxSeconds: 2 },
    ...(o.server ?? {}),
    tenants: [
      {
        orgId,
        name: 'E2E Org',
        apiKeys: [{ key: apiKey, secret }],
        genesys: { clientId: client.clientId, clientSecret: client.clientSecret, apiUrl: org.apiUrl, loginUrl: org.loginUrl },
        monitoredGroupId: org.groups[0]?.id,
        admission: 'monitored-group',
        gateTimeoutSeconds: 8,
        downstream: receiver ? [{ url: `ws://127.0.0.1:${receiver.port}`, name: 'receiver', channels: 'both' }] : [],
        ...(o.tenant ?? {}),
      },
    ],
  }, o.consoleAssets ? { consoleAssets: o.consoleAssets } : {});
  const [integration] = await emu.control.addIntegrations(orgId, [{ connectionUri: t.wsUrl, apiKey, clientSecret: secret, name: 'Hookline', enabled: true, probe: true }]);
  await until(async () => (await emu.control.integration(orgId, integration!.id)).reportedState === 'ACTIVE', 10_000, 'the integration to pass its probe');
  const stack: Stack = {
    orgId,
    agents: org.users,
    groupId: org.groups[0]?.id as string,
    queueId: org.queues[0]?.id as string,
    control: emu.control,
    emulatorUrl: emu.url,
    t,
    apiKey,
    secret,
    receiver,
    receivedDir: out.dir,
    async tracking() {
      await until(async () => {
        const channels = (await emu.control.channels()).filter((c) => c.orgId === orgId && c.connected);
        return channels.reduce((n, c) => n + c.topics, 0) >= monitoredCount;
      }, 15_000, 'the tenant leader to subscribe the monitored agents');
    },
    async stop() {
      await t.stop();
      await receiver?.stop();
      await emu.stop();
      out.cleanup();
    },
  };
  return stack;
}

/**
 * Starts a real `hookline serve` in-process on an ephemeral port, with its own
 * SQLite database and object directory, and one tenant with a signed and an
 * unsigned API key.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { startServer, type Server, type ServerOverrides } from '../../src/app/serve.js';
import { configSchema, type Config } from '../../src/app/config.js';
import { createLogger, type Logger } from '../../src/platform/logging/index.js';
import { AudioHookClient, type ClientOptions } from '../../src/simulate/index.js';
import { tempDir } from './tmp.js';

export { until } from './until.js';

export interface TestServer {
  server: Server;
  config: Config;
  wsUrl: string;
  orgId: string;
  apiKey: string;
  secret: string;
  unsignedKey: string;
  otherOrgId: string;
  otherKey: string;
  dir: string;
  client(o?: Partial<ClientOptions>): AudioHookClient;
  metric(name: string): Promise<number>;
  stop(): Promise<void>;
}

type Tree = Record<string, unknown>;

function merge(a: Tree, b: Tree): Tree {
  const out: Tree = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && a[k] && typeof a[k] === 'object' ? merge(a[k] as Tree, v as Tree) : v;
  }
  return out;
}

/** `admission`, `sinks` and `consoleAssets` reach the AudioHook endpoint through the server's constructor (see ServerOverrides). */
export type TestServerOptions = { log?: Logger; /** Merged into the first tenant's settings (e.g. its webhooks). */ tenant?: Tree } & Pick<ServerOverrides, 'admission' | 'sinks' | 'consoleAssets'>;

export async function startTestServer(overrides: Tree = {}, o: TestServerOptions = {}): Promise<TestServer> {
  const t = tempDir('hookline-srv-');
  const orgId = randomUUID();
  const otherOrgId = randomUUID();
  const apiKey = `key-${randomBytes(6).toString('hex')}`;
  const unsignedKey = `unsigned-${randomBytes(6).toString('hex')}`;
  const otherKey = `other-${randomBytes(6).toString('hex')}`;
  const secret = randomBytes(32).toString('base64');
  const base: Tree = {
    dataDir: t.dir,
    database: `sqlite:${t.dir}/hookline.db`,
    objects: { url: `file:${t.dir}/objects` },
    server: { host: '127.0.0.1', port: 0, drainTimeoutSeconds: 1 },
    metrics: { port: 0 },
    security: { masterKey: randomBytes(32).toString('base64') },
    logging: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
    audiohook: { signature: { failureDelayMs: 150 }, closeGraceSeconds: 2 },
    tenants: [
      { orgId, name: 'Test Org', apiKeys: [{ key: apiKey, secret }, { key: unsignedKey, unsigned: true }], ...o.tenant },
      { orgId: otherOrgId, name: 'Other Org', apiKeys: [{ key: otherKey, secret }] },
    ],
  };
  const config = configSchema.parse(merge(base, overrides));
  const server = await startServer(config, o.log ?? createLogger({ level: config.logging.level }), { ...(o.admission ? { admission: o.admission } : {}), ...(o.sinks ? { sinks: o.sinks } : {}), ...(o.consoleAssets ? { consoleAssets: o.consoleAssets } : {}) });
  const wsUrl = `${server.url.replace('http', 'ws')}${config.audiohook.path}`;
  return {
    server,
    config,
    wsUrl,
    orgId,
    apiKey,
    secret,
    unsignedKey,
    otherOrgId,
    otherKey,
    dir: t.dir,
    client: (o = {}) => new AudioHookClient({ url: wsUrl, apiKey, clientSecret: secret, orgId, ...o }),
    async metric(name: string) {
      const text = await server.registry.metrics();
      let total = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith(name + ' ') || line.startsWith(name + '{')) total += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return total;
    },
    async stop() {
      await server.stop(0);
      t.cleanup();
    },
  };
}

/** Connects, opens and waits for `opened`. */
export async function openSession(c: AudioHookClient): Promise<Record<string, unknown>> {
  await c.connect();
  c.open();
  return (await c.waitFor('opened')).parameters;
}

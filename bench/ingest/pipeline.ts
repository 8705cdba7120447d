/**
 * The post-call pipeline as `hookline serve` wires it (IngestService over the
 * configured database, queue and object store), with the Genesys client, the
 * store, the object store and the queue instrumented. No capture server and
 * no tracking: imports are fed straight into the ingest queue.
 */
import { ClientPool, IngestService } from '../../src/ingest/index.js';
import { createGenesysClient } from '../../src/genesys/index.js';
import { openContext, type Context } from '../../src/app/context.js';
import { configSchema, type Config } from '../../src/app/config.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { createRegistry } from '../../src/platform/metrics/index.js';
import { openQueue, type Queue } from '../../src/platform/queue/index.js';
import { MemoryState } from '../../src/platform/state/index.js';
import type { Tenant } from '../../src/tenants/index.js';
import { Directory } from '../../src/tracking/index.js';
import type { SeededOrg } from '../../src/emulator/index.js';
import { RequestMeter } from './meter.js';
import type { Stack } from './stacks.js';
import { TimedStore, Timings, timedObjects, timedQueue } from './timings.js';

export interface Pipeline {
  config: Config;
  ctx: Context;
  tenant: Tenant;
  queue: Queue;
  store: TimedStore;
  directory: Directory;
  clients: ClientPool;
  ingest: IngestService;
  meter: RequestMeter;
  timings: Timings;
  close(): Promise<void>;
}

export interface PipelineOptions {
  stack: Stack;
  org: SeededOrg;
  concurrency: number;
  /** false: build everything but consume nothing (reconciliation only queues). */
  consume: boolean;
}

function configFor(o: PipelineOptions): Config {
  const client = o.org.clients[0];
  if (!client) throw new Error('the emulator org has no OAuth client');
  return configSchema.parse({
    ...o.stack.config,
    logging: { level: process.env.BENCH_LOG_LEVEL ?? 'silent' },
    ingest: { concurrency: o.concurrency, firstAttemptDelaySeconds: 0 },
    tenants: [
      {
        orgId: o.org.orgId,
        name: o.org.name,
        genesys: { clientId: client.clientId, clientSecret: client.clientSecret, apiUrl: o.org.apiUrl, loginUrl: o.org.loginUrl },
        monitoredGroupId: o.org.groups[0]?.id,
        reconcile: { enabled: false },
      },
    ],
  });
}

export async function openPipeline(o: PipelineOptions): Promise<Pipeline> {
  const config = configFor(o);
  const log = createLogger({ level: config.logging.level });
  const ctx = await openContext(config, log);
  const tenant = await ctx.tenants.getTenant(o.org.orgId);
  if (!tenant) throw new Error('the bench tenant was not stored');
  const timings = new Timings();
  const meter = new RequestMeter();
  const queue = timedQueue(await openQueue(config.queue, { db: ctx.db, logger: log }, { connectionName: `bench-ingest-${config.namespace}`, leaseMs: config.queueLeaseMs }), timings);
  const store = new TimedStore(ctx.db, timings);
  const directory = new Directory(ctx.db);
  const clients = new ClientPool(log, (t) => createGenesysClient(t.genesys!, { logger: log, fetch: meter.fetch }));
  const state = new MemoryState(log);
  const objects = timedObjects(ctx.objects, timings);
  const ingest = new IngestService({ config, tenant: () => tenant, db: ctx.db, store, directory, objects, queue, state, registry: createRegistry(false), replicaId: 'bench', log, clients });
  if (o.consume) ingest.start();
  return {
    config,
    ctx,
    tenant,
    queue,
    store,
    directory,
    clients,
    ingest,
    meter,
    timings,
    async close() {
      await ingest.stop();
      await queue.close();
      await state.close();
      await ctx.close();
    },
  };
}

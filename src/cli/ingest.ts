/**
 * `hookline deadletters list|retry`, `hookline reconcile`, `hookline backfill`.
 * They work on the deployment's database and queue directly, so they run
 * beside (or without) the servers; imports themselves happen in `serve`.
 */
import type { Command } from 'commander';
import type { Context } from '../app/context.js';
import type { Queue } from '../platform/queue/index.js';
import { findTenant, print, table, withContext } from './common.js';

export async function withQueue<T>(cmd: Command, fn: (ctx: Context, queue: Queue, names: { ingest: string; analysis: string }) => Promise<T>): Promise<T> {
  return withContext(cmd, async (ctx) => {
    const { openQueue } = await import('../platform/queue/index.js');
    const { queueNames } = await import('../ingest/index.js');
    const queue = await openQueue(ctx.config.queue, { db: ctx.db, logger: ctx.log });
    try {
      return await fn(ctx, queue, queueNames(ctx.config.namespace));
    } finally {
      await queue.close();
    }
  });
}

function parseDate(text: string, flag: string): Date {
  const d = /^\d+[hd]$/.test(text) ? new Date(Date.now() - Number(text.slice(0, -1)) * (text.endsWith('h') ? 3600_000 : 86_400_000)) : new Date(text);
  if (Number.isNaN(d.getTime())) throw new Error(`${flag}: "${text}" is not a date (ISO 8601) or an age like 24h / 30d`);
  return d;
}

function progressBar(label: string): (p: { found: number; enqueued: number; chunk: number; chunks: number }) => void {
  return (p) => {
    if (!process.stderr.isTTY) return;
    const width = 24;
    const done = Math.round((p.chunk / p.chunks) * width);
    process.stderr.write(`\r${label} [${'#'.repeat(done)}${' '.repeat(width - done)}] ${p.chunk}/${p.chunks}  found ${p.found}  queued ${p.enqueued}   `);
    if (p.chunk === p.chunks) process.stderr.write('\n');
  };
}

async function reconcile(cmd: Command, o: { tenant: string; since: string; until?: string; json?: boolean }, trigger: 'manual' | 'backfill'): Promise<void> {
  await withQueue(cmd, async (ctx, queue, names) => {
    const { Reconciler, ClientPool } = await import('../ingest/index.js');
    const { IngestMetrics } = await import('../ingest/metrics.js');
    const { ConversationStore } = await import('../conversations/index.js');
    const { Directory } = await import('../tracking/index.js');
    const { createRegistry } = await import('../platform/metrics/index.js');
    const tenant = await findTenant(ctx, o.tenant);
    if (!tenant) throw new Error(`no tenant ${o.tenant}`);
    if (!tenant.genesys || !tenant.monitoredGroupId) throw new Error(`tenant ${o.tenant} needs Genesys credentials and a monitored group (hookline tenant set)`);
    const clients = new ClientPool(ctx.log);
    const directory = new Directory(ctx.db);
    // Refresh who is monitored first, so this works without a running server.
    const client = clients.get(tenant);
    const members = async function* () {
      for await (const u of client.groups.members(tenant.monitoredGroupId as string)) yield { userId: u.id, name: u.name, email: u.email, active: (u.state ?? 'active') === 'active' };
    };
    await directory.sync(tenant.orgId, members());
    const reconciler = new Reconciler({
      tenant: () => tenant,
      clients,
      store: new ConversationStore(ctx.db),
      directory,
      queue,
      ingestQueue: names.ingest,
      db: ctx.db,
      metrics: new IngestMetrics(createRegistry(false)),
      log: ctx.log,
      settleMs: ctx.config.ingest.reconcileSettleMs,
    });
    const report = await reconciler.run(tenant.orgId, parseDate(o.since, '--since'), o.until ? parseDate(o.until, '--until') : new Date(), trigger, progressBar(trigger));
    print(report, o.json === true, () =>
      [
        `window   ${report.windowStart} → ${report.windowEnd}`,
        `found ${report.found}   already imported ${report.alreadyImported}   queued ${report.enqueued}   failed ${report.failed}`,
        report.error ? `error: ${report.error}` : 'the running servers import what was queued',
      ].join('\n'),
    );
    if (report.error) process.exitCode = 1;
  });
}

export function registerIngest(program: Command): void {
  const dl = program.command('deadletters').description('conversations that could not be imported, and why');
  dl.command('list')
    .option('--queue <name>', 'ingest | analysis', 'ingest')
    .option('--limit <n>', 'how many', (v) => Number(v), 100)
    .option('--json', 'print JSON')
    .action(async (o: { queue: 'ingest' | 'analysis'; limit: number; json?: boolean }, cmd: Command) => {
      await withQueue(cmd, async (_ctx, queue, names) => {
        const letters = await queue.deadLetters<{ tenant?: string; conversationId?: string }>(names[o.queue], o.limit);
        const rows = letters.map((l) => ({ id: l.id, tenant: l.payload.tenant, conversationId: l.payload.conversationId, attempts: l.attempts, failedAt: l.failedAt.toISOString(), reason: l.reason }));
        print(rows, o.json === true, () => table(rows, ['id', 'conversationId', 'attempts', 'failedAt', 'reason']));
      });
    });
  dl.command('retry')
    .description('put dead letters back on the queue (all, or the given ids)')
    .argument('[ids...]')
    .option('--queue <name>', 'ingest | analysis', 'ingest')
    .action(async (ids: string[], o: { queue: 'ingest' | 'analysis' }, cmd: Command) => {
      await withQueue(cmd, async (_ctx, queue, names) => {
        const n = await queue.retryDeadLetters(names[o.queue], ids.length ? ids : undefined);
        process.stdout.write(`${n} dead letter(s) queued again\n`);
      });
    });
  program
    .command('reconcile')
    .description('compare a window in Genesys with what is imported and queue what is missing')
    .requiredOption('--tenant <orgId>', 'tenant')
    .option('--since <when>', 'start: ISO date or an age like 24h', '24h')
    .option('--until <when>', 'end: ISO date (default now)')
    .option('--json', 'print the report as JSON')
    .action((o: { tenant: string; since: string; until?: string; json?: boolean }, cmd: Command) => reconcile(cmd, o, 'manual'));
  program
    .command('backfill')
    .description('import a past window (any length: split into 7-day queries, async jobs when large)')
    .requiredOption('--tenant <orgId>', 'tenant')
    .requiredOption('--since <when>', 'start: ISO date or an age like 30d')
    .option('--until <when>', 'end: ISO date (default now)')
    .option('--json', 'print the report as JSON')
    .action((o: { tenant: string; since: string; until?: string; json?: boolean }, cmd: Command) => reconcile(cmd, o, 'backfill'));
}

/**
 * `hookline webhooks deliveries|redeliver`: the delivery log, and queueing
 * events again. They work on the database directly; the running servers send.
 */
import type { Command } from 'commander';
import { print, table, withContext } from './common.js';

const STATUSES = ['pending', 'delivered', 'failed'] as const;
type Status = (typeof STATUSES)[number];

function status(v: string): Status {
  if (!(STATUSES as readonly string[]).includes(v)) throw new Error(`--status: "${v}" is not one of ${STATUSES.join(', ')}`);
  return v as Status;
}

function positiveInt(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: "${v}" is not a positive integer`);
    return n;
  };
}

function isoDate(v: string): string {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new Error(`--since: "${v}" is not an ISO 8601 date`);
  return d.toISOString();
}

interface ListOptions {
  tenant: string;
  endpoint?: string;
  conversation?: string;
  status?: Status;
  limit: number;
  json?: boolean;
}

interface RedeliverOptions {
  tenant: string;
  endpoint: string;
  conversation?: string;
  seq?: number;
  failed?: boolean;
  since?: string;
}

async function deliveries(cmd: Command, o: ListOptions): Promise<void> {
  await withContext(
    cmd,
    async (ctx) => {
      const { DeliveryStore, webhookId } = await import('../webhooks/index.js');
      const { normalizeOrgId } = await import('../tenants/index.js');
      const tenant = normalizeOrgId(o.tenant);
      const list = await new DeliveryStore(ctx.db).list({ tenant, endpoint: o.endpoint, conversationId: o.conversation?.toLowerCase(), status: o.status }, o.limit);
      const rows = list.map((r) => ({
        endpoint: r.endpoint,
        conversationId: r.conversation_id,
        seq: r.seq,
        type: r.event_type,
        status: r.status,
        attempts: r.attempts,
        code: r.last_status_code,
        lastAttempt: r.last_attempt_at,
        deliveredAt: r.delivered_at,
        webhookId: webhookId(tenant, r.endpoint, r.conversation_id, r.seq),
        error: r.last_error,
      }));
      print(rows, o.json === true, () => table(rows, ['endpoint', 'conversationId', 'seq', 'type', 'status', 'attempts', 'code', 'lastAttempt', 'error']));
    },
    { readOnly: true },
  );
}

async function redeliver(cmd: Command, o: RedeliverOptions): Promise<void> {
  if ((o.conversation === undefined) === (o.failed !== true)) throw new Error('give either --conversation <id> [--seq N] or --failed [--since ISO]');
  if (o.seq !== undefined && o.conversation === undefined) throw new Error('--seq needs --conversation');
  if (o.since !== undefined && o.failed !== true) throw new Error('--since needs --failed');
  await withContext(cmd, async (ctx) => {
    const { DeliveryStore } = await import('../webhooks/index.js');
    const { normalizeOrgId } = await import('../tenants/index.js');
    const filter = o.failed
      ? { tenant: normalizeOrgId(o.tenant), endpoint: o.endpoint, status: 'failed' as const, since: o.since }
      : { tenant: normalizeOrgId(o.tenant), endpoint: o.endpoint, conversationId: o.conversation?.toLowerCase(), seq: o.seq };
    const n = await new DeliveryStore(ctx.db).redeliver(filter, new Date().toISOString());
    process.stdout.write(`${n} event(s) queued for delivery again (same webhook-id); the running servers send them\n`);
  });
}

export function registerWebhooks(program: Command): void {
  const w = program.command('webhooks').description('outbound webhook deliveries of conversation events');
  w.command('deliveries')
    .description('the delivery log, latest attempts first')
    .requiredOption('--tenant <orgId>', 'tenant')
    .option('--endpoint <name>', 'webhook name')
    .option('--conversation <id>', 'conversation id')
    .option('--status <status>', STATUSES.join(' | '), status)
    .option('--limit <n>', 'how many', positiveInt('--limit'), 100)
    .option('--json', 'print JSON')
    .action((o: ListOptions, cmd: Command) => deliveries(cmd, o));
  w.command('redeliver')
    .description('send logged events again (delivered or failed), keeping their webhook-id')
    .requiredOption('--tenant <orgId>', 'tenant')
    .requiredOption('--endpoint <name>', 'webhook name')
    .option('--conversation <id>', "that conversation's logged events")
    .option('--seq <n>', 'only this event of the conversation', positiveInt('--seq'))
    .option('--failed', 'every event that failed')
    .option('--since <iso>', 'with --failed: whose last attempt was at or after this', isoDate)
    .action((o: RedeliverOptions, cmd: Command) => redeliver(cmd, o));
}

/**
 * Operations routes of the read API: the webhook delivery log with
 * redelivery, and ingest (queue depth, recent imports, dead letters with
 * retry, reconciliation reports and "run now"). They call the functions the
 * CLI calls (`hookline webhooks …`, `deadletters …`, `reconcile`), so the
 * console, the CLI and automation do the same thing.
 */
import type { z } from 'zod';
import type { Queue } from '../platform/queue/index.js';
import type { ReconcileReport } from '../ingest/index.js';
import type { DeliveryFilter, DeliveryPosition, WebhookDeliveriesTable } from '../webhooks/index.js';
import { webhookId } from '../webhooks/index.js';
import { decodeCursor, deliveryId, deliveryKey, encodeCursor } from './cursor.js';
import { BadRequestError, NotFoundError } from './errors.js';
import { deadLetterParams, deliveryListQuery, deliveryPage, deliveryParams, ingestStatus, queued, reconcileList, reconcileReport, tenantQuery } from './operations-schemas.js';
import type { ReadModel } from './read.js';
import { route, type RouteSpec } from './routes.js';
import type { Principal } from './tokens.js';

/** The delivery log as the CLI reads and requeues it (webhooks' DeliveryStore). */
export interface DeliveryLog {
  list(f: DeliveryFilter, limit: number, after?: DeliveryPosition): Promise<WebhookDeliveriesTable[]>;
  redeliver(f: DeliveryFilter, now: string): Promise<number>;
}

/** Ingest as the CLI drives it: the ingest queue, the reconciler's reports, a run now. */
export interface IngestOperations {
  queue: Pick<Queue, 'kind' | 'deadLetters' | 'retryDeadLetters' | 'stats'>;
  queueName: string;
  reports(orgId: string, limit: number): Promise<ReconcileReport[]>;
  /** Runs a reconciliation of the usual window now; throws BadRequestError when the tenant cannot be reconciled. */
  runNow(orgId: string): Promise<ReconcileReport>;
}

export interface OperationsDeps {
  read: ReadModel;
  deliveries: DeliveryLog;
  /** Absent when ingest is off in this deployment. */
  ingest?: IngestOperations | undefined;
  now?: () => number;
}

/**
 * Dead letters are kept per queue, not per tenant: this many of the oldest are read and the caller's
 * kept. A tenant whose letters lie beyond them sees (and can retry) them once older ones are retried.
 */
export const DEAD_LETTER_SCAN = 1000;
const RECENT_IMPORTS = 20;
const REPORTS = 20;

const ownTenant = (q: { tenant?: string | undefined }, p: Principal): boolean => q.tenant === undefined || q.tenant === p.tenant;

function deliveryView(tenant: string, r: WebhookDeliveriesTable): z.input<typeof deliveryPage>['items'][number] {
  return {
    id: encodeCursor([r.endpoint, r.conversation_id, r.seq]),
    webhookId: webhookId(tenant, r.endpoint, r.conversation_id, r.seq),
    endpoint: r.endpoint,
    conversationId: r.conversation_id,
    seq: Number(r.seq),
    eventType: r.event_type,
    status: r.status,
    attempts: Number(r.attempts),
    lastStatusCode: r.last_status_code === null ? null : Number(r.last_status_code),
    lastError: r.last_error,
    lastAttemptAt: r.last_attempt_at,
    deliveredAt: r.delivered_at,
  };
}

const reportView = ({ tenant: _t, error, ...r }: ReconcileReport): z.input<typeof reconcileReport> => ({ ...r, error: error ?? null });

function ingestOf(d: OperationsDeps): IngestOperations {
  if (!d.ingest) throw new BadRequestError('ingest is not enabled in this deployment (ingest.enabled)');
  return d.ingest;
}

async function tenantDeadLetters(i: IngestOperations, tenant: string) {
  const letters = await i.queue.deadLetters<{ tenant?: unknown; conversationId?: unknown }>(i.queueName, DEAD_LETTER_SCAN);
  return letters
    .filter((l) => l.payload.tenant === tenant)
    .map((l) => ({ id: l.id, conversationId: typeof l.payload.conversationId === 'string' ? l.payload.conversationId : null, reason: l.reason, attempts: l.attempts, failedAt: l.failedAt.toISOString() }));
}

function deliveryRoutes(d: OperationsDeps, now: () => number): RouteSpec[] {
  return [
    route({
      method: 'GET',
      path: '/api/v1/webhooks/deliveries',
      operationId: 'listWebhookDeliveries',
      summary: "The tenant's webhook delivery log, latest attempt first, paged",
      scope: 'read',
      query: deliveryListQuery,
      response: deliveryPage,
      handler: async ({ query, principal }) => {
        if (!ownTenant(query, principal)) return undefined;
        const after = query.cursor === undefined ? undefined : decodeCursor('cursor', query.cursor, deliveryKey);
        const position = after && { lastAttemptAt: after[0], conversationId: after[1], seq: after[2], endpoint: after[3] };
        const rows = await d.deliveries.list({ tenant: principal.tenant, status: query.status }, query.limit + 1, position);
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        return {
          items: page.map((r) => deliveryView(principal.tenant, r)),
          nextCursor: rows.length > query.limit && last ? encodeCursor([last.last_attempt_at ?? '', last.conversation_id, Number(last.seq), last.endpoint]) : null,
        };
      },
    }),
    route({
      method: 'POST',
      path: '/api/v1/webhooks/deliveries/{id}/redeliver',
      operationId: 'redeliverWebhook',
      summary: 'Queue one logged delivery again (delivered or failed), keeping its webhook-id (admin scope)',
      scope: 'admin',
      params: deliveryParams,
      query: tenantQuery,
      response: queued,
      handler: async ({ params, query, principal }) => {
        if (!ownTenant(query, principal)) return undefined;
        const [endpoint, conversationId, seq] = decodeCursor('id', params.id, deliveryId);
        const n = await d.deliveries.redeliver({ tenant: principal.tenant, endpoint, conversationId, seq }, new Date(now()).toISOString());
        return n === 0 ? undefined : { queued: n };
      },
    }),
  ];
}

function ingestRoutes(d: OperationsDeps): RouteSpec[] {
  return [
    route({
      method: 'GET',
      path: '/api/v1/ingest/status',
      operationId: 'ingestStatus',
      summary: "Ingest: queue depth, the tenant's recent imports and dead letters with their reasons",
      scope: 'read',
      query: tenantQuery,
      response: ingestStatus,
      handler: async ({ query, principal }) => {
        if (!ownTenant(query, principal)) return undefined;
        const recentImports = await d.read.recentImports(principal.tenant, RECENT_IMPORTS);
        if (!d.ingest) return { enabled: false, queue: null, recentImports, deadLetters: [] };
        const [stats, deadLetters] = await Promise.all([d.ingest.queue.stats(d.ingest.queueName), tenantDeadLetters(d.ingest, principal.tenant)]);
        return { enabled: true, queue: { kind: d.ingest.queue.kind, ...stats }, recentImports, deadLetters };
      },
    }),
    route({
      method: 'POST',
      path: '/api/v1/ingest/dead-letters/{id}/retry',
      operationId: 'retryDeadLetter',
      summary: "Put one of the tenant's dead letters back on the ingest queue with fresh attempts (admin scope)",
      scope: 'admin',
      params: deadLetterParams,
      query: tenantQuery,
      response: queued,
      handler: async ({ params, query, principal }) => {
        if (!ownTenant(query, principal)) return undefined;
        const i = ingestOf(d);
        // Only a letter of the caller's tenant: the queue itself would retry any id.
        const mine = await tenantDeadLetters(i, principal.tenant);
        if (!mine.some((l) => l.id === params.id)) throw new NotFoundError(`id: no dead letter ${params.id} of this tenant`);
        return { queued: await i.queue.retryDeadLetters(i.queueName, [params.id]) };
      },
    }),
    route({
      method: 'POST',
      path: '/api/v1/ingest/reconcile',
      operationId: 'reconcileNow',
      summary: 'Reconcile the last 24 hours (plus the overlap) now and answer the report (admin scope)',
      scope: 'admin',
      query: tenantQuery,
      response: reconcileReport,
      handler: async ({ query, principal }) => (ownTenant(query, principal) ? reportView(await ingestOf(d).runNow(principal.tenant)) : undefined),
    }),
    route({
      method: 'GET',
      path: '/api/v1/ingest/reconciliations',
      operationId: 'listReconciliations',
      summary: "The tenant's recent reconciliation reports, newest first",
      scope: 'read',
      query: tenantQuery,
      response: reconcileList,
      handler: async ({ query, principal }) => (ownTenant(query, principal) ? { items: d.ingest ? (await d.ingest.reports(principal.tenant, REPORTS)).map(reportView) : [] } : undefined),
    }),
  ];
}

export function operationsRoutes(d: OperationsDeps): RouteSpec[] {
  return [...deliveryRoutes(d, d.now ?? Date.now), ...ingestRoutes(d)];
}

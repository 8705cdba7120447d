/**
 * Shapes of the operations routes (webhook deliveries, ingest): the same zod
 * schemas validate requests and make the OpenAPI document, as in schemas.ts.
 */
import { z } from 'zod';
import { uuid } from './schemas.js';

const cursor = z.string().max(512).describe('Opaque: the `nextCursor` of the previous page');
const tenant = uuid.optional().describe("The token's own tenant (optional with a token; a console session must name it here or in x-hookline-tenant)");

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const deliveryListQuery = z.strictObject({
  tenant,
  status: z.enum(DELIVERY_STATUSES).optional().describe('Only deliveries in this state'),
  cursor: cursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size, at most 200'),
});

export const deliveryParams = z.strictObject({ id: z.string().min(1).max(512).describe('A delivery `id` as this API listed it') });
export const deadLetterParams = z.strictObject({ id: z.string().min(1).max(200).describe('A dead letter `id` as ingest status listed it') });
export const tenantQuery = z.strictObject({ tenant });

const text = z.string().nullable();

export const delivery = z.object({
  id: z.string().describe('Opaque; names the delivery in redeliver'),
  webhookId: z.string().describe('The `webhook-id` header the receiver sees (the same on every attempt and redelivery)'),
  endpoint: z.string().describe("The tenant's webhook name"),
  conversationId: z.string(),
  seq: z.int(),
  eventType: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.int(),
  lastStatusCode: z.int().nullable(),
  lastError: text,
  lastAttemptAt: text,
  deliveredAt: text,
});

export const deliveryPage = z.object({
  items: z.array(delivery).describe('Latest attempt first'),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
});

export const queued = z.object({ queued: z.int().describe('How many were queued again') });

export const deadLetter = z.object({
  id: z.string(),
  conversationId: text,
  reason: z.string().describe('The last error'),
  attempts: z.int(),
  failedAt: z.string(),
});

export const reconcileReport = z.object({
  id: z.string(),
  trigger: z.enum(['nightly', 'manual', 'gap', 'backfill']),
  windowStart: z.string(),
  windowEnd: z.string(),
  found: z.int(),
  alreadyImported: z.int(),
  enqueued: z.int(),
  failed: z.int(),
  error: text,
});

export const ingestStatus = z.object({
  enabled: z.boolean().describe('Ingest runs in this deployment (ingest.enabled)'),
  queue: z
    .object({
      kind: z.enum(['table', 'rabbitmq']),
      ready: z.int(),
      inFlight: z.int().describe('RabbitMQ: this replica only'),
      dead: z.int(),
    })
    .nullable()
    .describe('The ingest queue of the whole deployment (all tenants); null when ingest is off'),
  recentImports: z.array(z.object({ conversationId: z.string(), startedAt: z.string(), endedAt: text, importedAt: z.string() })),
  deadLetters: z.array(deadLetter).describe("This tenant's dead letters, oldest first"),
});

export const reconcileList = z.object({ items: z.array(reconcileReport).describe('Newest first') });

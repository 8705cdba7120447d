/**
 * `POST /api/v1/eventbridge/{tenant}`: Genesys Cloud conversation
 * notifications delivered by an Amazon EventBridge rule to an API destination
 * (Genesys Cloud docs, "Amazon EventBridge integration"; the envelope as in
 * the GenesysCloudBlueprints EventBridge blueprints). On the public port, like
 * AudioHook, because AWS calls it over the internet: see docs/eventbridge.md.
 *
 * The caller is authenticated before a byte of the body is read (the API
 * destination's connection sends the tenant's secret in a header); an unknown
 * tenant and a wrong secret get the same bare 401. The body is bounded by
 * EventBridge's own event size limit, validated, and handed to the tenant's
 * tracking leader: 2xx only once a leader has it, 503 otherwise so that
 * EventBridge's retry policy delivers it again.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { classifyTopic, type NotificationEnvelope } from '../genesys/index.js';
import type { Logger } from '../platform/logging/index.js';
import { Counter, type Registry } from '../platform/metrics/index.js';
import type { Tenant } from '../tenants/index.js';

export const EVENTBRIDGE_PATH = '/api/v1/eventbridge/:tenant';
/** An EventBridge event is at most 256 KB (AWS EventBridge quotas), envelope included. */
export const EVENTBRIDGE_BODY_LIMIT = 256 * 1024;
/** Seconds EventBridge is asked to wait before delivering again when no leader can take the event. */
const RETRY_AFTER_S = 5;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Topics a tenant leader handles (the rest are accepted and ignored here, without a hand-over). */
const CUSTOMER_END = 'customer.end';

const bounded = z.string().min(1).max(1024);
export const envelopeSchema = z.object({
  version: z.string().max(16).optional(),
  id: z.string().max(128).optional(),
  'detail-type': bounded,
  source: bounded,
  detail: z.object({
    topicName: bounded,
    version: z.string().max(16).optional(),
    eventBody: z.record(z.string(), z.unknown()),
    metadata: z.object({ CorrelationId: z.string().max(128).optional() }).optional(),
  }),
});
export type EventBridgeEnvelope = z.infer<typeof envelopeSchema>;

export interface EventBridgeDeps {
  tenant: (orgId: string) => Tenant | undefined;
  /** Hands the notification to the tenant's leader; false when none can take it now. */
  handOver: (orgId: string, envelope: NotificationEnvelope) => Promise<boolean>;
  /** The connection carried valid credentials: it no longer counts against the unauthenticated bounds. */
  onAuthenticated?: (socket: Duplex) => void;
  registry: Registry;
  log: Logger;
}

type Result = 'accepted' | 'ignored' | 'unauthorized' | 'invalid' | 'unavailable';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
/** Compared against when the tenant is unknown, so both refusals cost the same. */
const NO_SECRET = digest(randomBytes(32).toString('base64'));

/** The tenant's id from the path, when the request carries its EventBridge secret. */
export function authenticate(tenant: (orgId: string) => Tenant | undefined, rawId: string, headers: FastifyRequest['headers']): string | undefined {
  const orgId = rawId.toLowerCase();
  const t = UUID.test(orgId) ? tenant(orgId) : undefined;
  const eb = t?.notifications?.source === 'eventbridge' ? t.notifications.eventbridge : undefined;
  const sent = eb ? headers[eb.header] : undefined;
  // Hashing makes the compare constant-time whatever the lengths.
  const same = timingSafeEqual(digest(typeof sent === 'string' ? sent : ''), eb?.secret ? digest(eb.secret) : NO_SECRET);
  return same && typeof sent === 'string' && eb?.secret ? orgId : undefined;
}

/** The `topicName`s a leader would subscribe over a channel: anything else needs no leader. */
function concernsLeader(topicName: string): boolean {
  const k = classifyTopic(topicName);
  return k.kind === 'user-calls' || (k.kind === 'detail' && k.eventType === CUSTOMER_END);
}

/** `detail.topicName` with the field path, for a 400 that names what is wrong (never echoing the value). */
function invalid(reply: FastifyReply, field: string, reason: string): FastifyReply {
  return reply.code(400).send({ error: 'invalid EventBridge event', field, reason });
}

export function registerEventBridge(app: FastifyInstance, d: EventBridgeDeps): void {
  const requests = new Counter({
    name: 'hookline_eventbridge_requests_total',
    help: 'EventBridge deliveries by result: accepted (handed to the leader), ignored (a topic no leader needs), unauthorized, invalid, unavailable (503: no leader could take it)',
    labelNames: ['result'],
    registers: [d.registry],
  });
  const count = (r: Result) => requests.inc({ result: r });
  const log = d.log.child({ component: 'eventbridge' });

  app.post<{ Params: { tenant: string } }>(EVENTBRIDGE_PATH, {
    bodyLimit: EVENTBRIDGE_BODY_LIMIT,
    // Before the body is read: a caller without the secret costs us its headers only.
    onRequest: async (req, reply) => {
      const orgId = authenticate(d.tenant, req.params.tenant, req.headers);
      if (orgId !== undefined) return void d.onAuthenticated?.(req.raw.socket);
      count('unauthorized');
      // Connection: close, so an unread body is not drained into the server.
      return reply.code(401).header('connection', 'close').send();
    },
    handler: async (req, reply) => {
      const orgId = req.params.tenant.toLowerCase();
      const parsed = envelopeSchema.safeParse(req.body);
      if (!parsed.success) {
        count('invalid');
        const issue = parsed.error.issues[0];
        return invalid(reply, issue?.path.join('.') || '(body)', issue?.message ?? 'invalid');
      }
      const e = parsed.data;
      if (!e.source.toLowerCase().startsWith(`aws.partner/genesys.com/cloud/${orgId}/`)) {
        count('invalid');
        return invalid(reply, 'source', 'must be this tenant\'s Genesys partner event source (aws.partner/genesys.com/cloud/{orgId}/…)');
      }
      if (!concernsLeader(e.detail.topicName)) {
        count('ignored');
        return reply.code(200).send({ status: 'ignored' });
      }
      const envelope: NotificationEnvelope = { topicName: e.detail.topicName, eventBody: e.detail.eventBody, ...(e.detail.version ? { version: e.detail.version } : {}), ...(e.detail.metadata ? { metadata: e.detail.metadata } : {}) };
      if (!(await d.handOver(orgId, envelope))) {
        count('unavailable');
        log.warn({ orgId }, 'no tracking leader can take EventBridge events now; answered 503 (EventBridge retries)');
        return reply.code(503).header('retry-after', String(RETRY_AFTER_S)).send({ status: 'unavailable' });
      }
      count('accepted');
      return reply.code(202).send({ status: 'accepted' });
    },
  });
}

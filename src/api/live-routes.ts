/**
 * The live API: committed common events as they happen, and the calls in
 * progress (snapshot and stream). Streams are Server-Sent Events (sse.ts) fed
 * from the tenant's shared-state channels (live-hub.ts), so a commit or a
 * level reading on any replica reaches a stream on any replica. The tenant is
 * always the principal's; a stream holds a slot of the principal's stream cap
 * until it closes.
 */
import { z } from 'zod';
import { EVENT_SCHEMAS, EVENT_TYPES, type CommonEvent, type EventType } from '../conversations/index.js';
import { NotFoundError, TooManyStreamsError } from './errors.js';
import { callsChannel, eventsChannel, type ChannelHub, type StreamLimiter } from './live-hub.js';
import { liveCallPage, liveCallPatch, messageToEvents, type LiveCalls, type LiveCallPatch } from './live-calls.js';
import { route, type RouteSpec, type SseOpener } from './routes.js';
import type { Principal } from './tokens.js';
import { uuid } from './schemas.js';
import type { SseClient } from './sse.js';

export interface LiveDeps {
  hub: ChannelHub;
  calls: LiveCalls;
  limiter: StreamLimiter;
}

/** Open streams per principal and tenant (a console tab holds two: Live and Notifications may be open in several tabs). */
export const MAX_STREAMS_PER_PRINCIPAL = 8;
/** Channel messages held while a calls stream's snapshot loads; beyond, the oldest are dropped (the snapshot is newer). */
const PENDING_WHILE_SNAPSHOT = 1000;

const tenantParam = uuid.optional().describe("The token's own tenant (optional; any other is refused). A console session names its tenant here");

const typeList = z
  .string()
  .max(1000)
  .transform((s, ctx) => {
    const list = s.split(',').map((t) => t.trim()).filter((t) => t !== '');
    for (const t of list) if (!(EVENT_TYPES as readonly string[]).includes(t)) ctx.addIssue({ code: 'custom', message: `unknown event type ${t.slice(0, 64)}` });
    return list as EventType[];
  })
  .describe(`Comma-separated event types to send (default: all): ${EVENT_TYPES.join(', ')}`);

export const eventStreamQuery = z.strictObject({
  tenant: tenantParam,
  types: typeList.optional(),
  agent: uuid.optional().describe('Only events naming this agent (Genesys user id): agent, from, to, participant'),
});

export const liveCallsQuery = z.strictObject({ tenant: tenantParam });

const commonEvent = z.union(Object.values(EVENT_SCHEMAS) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);

/** The Genesys user ids an event names. */
export function agentsOf(e: CommonEvent): string[] {
  const out: string[] = [];
  const add = (x: { userId?: string | undefined } | null | undefined) => x?.userId && out.push(x.userId.toLowerCase());
  const any = e as { agent?: { userId?: string }; from?: { userId?: string }; to?: { userId?: string } | null; participant?: { userId?: string } };
  add(any.agent);
  add(any.from);
  add(any.to);
  add(any.participant);
  return out;
}

function parseEvent(raw: string, tenant: string): CommonEvent | undefined {
  try {
    const e = JSON.parse(raw) as CommonEvent;
    return typeof e === 'object' && e !== null && typeof e.type === 'string' && e.tenant?.toLowerCase() === tenant ? e : undefined;
  } catch {
    return undefined;
  }
}

const ownTenant = (q: { tenant?: string | undefined }, p: Principal): boolean => q.tenant === undefined || q.tenant === p.tenant.toLowerCase();

/** Takes a stream slot or refuses with 429. */
function slot(d: LiveDeps, p: Principal): () => void {
  const release = d.limiter.acquire(`${p.tokenId}|${p.tenant}`);
  if (!release) throw new TooManyStreamsError(`at most ${MAX_STREAMS_PER_PRINCIPAL} open streams per token or login; close one first`);
  return release;
}

async function serveEvents(d: LiveDeps, q: z.infer<typeof eventStreamQuery>, p: Principal, open: SseOpener): Promise<void> {
  if (!ownTenant(q, p)) throw new NotFoundError('not found');
  const tenant = p.tenant.toLowerCase();
  const release = slot(d, p);
  const types = q.types && q.types.length > 0 ? new Set(q.types) : undefined;
  // Set once the stream is open; a message before that (there is none: open follows at once) is dropped.
  const to: { client?: SseClient } = {};
  const leave = await d.hub.listen(eventsChannel(tenant), (raw) => {
    const e = parseEvent(raw, tenant);
    if (!e || (types && !types.has(e.type)) || (q.agent && !agentsOf(e).includes(q.agent))) return;
    to.client?.send('event', e, `${e.conversationId}:${e.seq}`);
  });
  const client = open();
  to.client = client;
  client.onClose(() => {
    leave();
    release();
  });
  client.send('ready', { tenant });
}

async function serveCalls(d: LiveDeps, q: z.infer<typeof liveCallsQuery>, p: Principal, open: SseOpener): Promise<void> {
  if (!ownTenant(q, p)) throw new NotFoundError('not found');
  const tenant = p.tenant.toLowerCase();
  const release = slot(d, p);
  let client: SseClient | undefined;
  const pending: string[] = [];
  const forward = (raw: string) => {
    for (const m of messageToEvents(raw)) {
      if (m.kind === 'call') client?.send('call', m.patch satisfies LiveCallPatch);
      else client?.send('ended', { conversationId: m.conversationId });
    }
  };
  // Subscribed before the snapshot is read: a change in between is in `pending`, sent after the snapshot.
  const leave = await d.hub.listen(callsChannel(tenant), (raw) => {
    if (client) forward(raw);
    else if (pending.push(raw) > PENDING_WHILE_SNAPSHOT) pending.shift();
  });
  try {
    const items = await d.calls.snapshot(tenant);
    client = open();
    client.send('snapshot', { items });
  } catch (err) {
    leave();
    release();
    throw err;
  }
  client.onClose(() => {
    leave();
    release();
  });
  for (const raw of pending.splice(0)) forward(raw);
}

export function liveRoutes(d: LiveDeps): RouteSpec[] {
  return [
    route({
      method: 'GET',
      path: '/api/v1/events/stream',
      operationId: 'streamEvents',
      summary: "The token's tenant's common events as they are committed (Server-Sent Events), optionally of some types or naming one agent",
      scope: 'read',
      query: eventStreamQuery,
      response: z.string(),
      handler: async () => undefined,
      stream: {
        events: {
          ready: { description: 'Sent once, when the stream is subscribed: events committed from now on follow', schema: z.object({ tenant: z.string() }) },
          event: { description: 'One committed common event (docs/events); the SSE id is conversationId:seq', schema: commonEvent },
        },
        serve: ({ query, principal }, open) => serveEvents(d, query as z.infer<typeof eventStreamQuery>, principal, open),
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/live/calls',
      operationId: 'listLiveCalls',
      summary: "The token's tenant's calls in progress: held and admitted AudioHook sessions with agent, gate decision, levels and forwarding",
      scope: 'read',
      query: liveCallsQuery,
      response: liveCallPage,
      handler: async ({ query, principal }) => (ownTenant(query, principal) ? { items: await d.calls.snapshot(principal.tenant.toLowerCase()) } : undefined),
    }),
    route({
      method: 'GET',
      path: '/api/v1/live/calls/stream',
      operationId: 'streamLiveCalls',
      summary: "The token's tenant's calls in progress, pushed (Server-Sent Events): a snapshot, then each change",
      scope: 'read',
      query: liveCallsQuery,
      response: z.string(),
      handler: async () => undefined,
      stream: {
        events: {
          snapshot: { description: 'Sent first: the calls in progress now (as GET /api/v1/live/calls)', schema: liveCallPage },
          call: { description: 'A change of one call: the fields present replace the call\'s (levels about four times a second); a call not seen before is new', schema: liveCallPatch },
          ended: { description: 'The call is no longer in progress', schema: z.object({ conversationId: z.string() }) },
        },
        serve: ({ query, principal }, open) => serveCalls(d, query as z.infer<typeof liveCallsQuery>, principal, open),
      },
    }),
  ];
}

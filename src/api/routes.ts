/**
 * The API's routes as data: each names its method, path, scope and zod
 * schemas, which both validate requests (here) and make the OpenAPI document
 * (openapi.ts). Registering them needs only a Fastify instance; the admin
 * listener takes the read routes, the public listener the Data Action.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { BadRequestError, ForbiddenError, NotFoundError, TooManyStreamsError, UpstreamError } from './errors.js';
import { SSE_HEARTBEAT_MS, SSE_MAX_BUFFERED_BYTES, SseClient, type SseOptions } from './sse.js';
import { MediaBody, parseRange } from './media-body.js';
import { ObjectNotFoundError } from '../platform/objects/index.js';
import {
  conversationContext,
  conversationDetail,
  conversationListQuery,
  conversationPage,
  conversationParams,
  dataActionBody,
  dataActionParams,
  eventListQuery,
  eventPage,
  tokenList,
} from './schemas.js';
import { allows, type Principal, type Scope, type TokenStore } from './tokens.js';
import type { ReadModel } from './read.js';
import type { ConversationContextService } from './data-action.js';

/** What a handler gets: the validated request and who sent it. */
export interface Call<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal;
}

/** A handler's answer: the response, or undefined for "not found" (404: existence never leaks across tenants). */
type Handler<P, Q, B, R> = (call: Call<P, Q, B>) => Promise<R | undefined>;

export interface RouteSpec<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  method: 'GET' | 'POST';
  /** OpenAPI style: `/api/v1/conversations/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  scope: Scope;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  /**
   * Media types of a binary answer: the handler returns a MediaBody (schema `mediaResponse`), streamed with
   * Range support; OpenAPI lists these types instead of a JSON body.
   */
  produces?: readonly string[];
  /** This route's request body limit, bytes, over RegisterOptions.bodyLimit (a body larger than most, e.g. tenant settings). */
  bodyLimit?: number;
  handler: Handler<z.infer<P>, z.infer<Q>, z.infer<B>, z.input<R>>;
  /** Present on event-stream routes (GET): the handler is then not called. */
  stream?: StreamSpec<z.infer<P>, z.infer<Q>>;
}

/** Opens the response as an event stream (hijacks it from Fastify); call it once, after every check that may refuse. */
export type SseOpener = () => SseClient;

/** A route answering `text/event-stream`: the events it sends (documented in the OpenAPI) and what runs per client. */
export interface StreamSpec<P, Q> {
  events: Record<string, { description: string; schema: z.ZodType }>;
  /** Refuses by throwing (before `open`), or opens the stream and keeps it fed until the client goes. */
  serve(call: Call<P, Q, unknown>, open: SseOpener): Promise<void>;
}

/** Keeps each route's handler typed by its own schemas while the list holds them all. */
export const route = <P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(r: RouteSpec<P, Q, B, R>): RouteSpec =>
  r as unknown as RouteSpec;

export interface ReadDeps {
  read: ReadModel;
  tokens: TokenStore;
}

/** A `tenant` in the query must be the token's own; another is "not found". */
const ownTenant = (q: { tenant?: string | undefined }, p: Principal): boolean => q.tenant === undefined || q.tenant === p.tenant;

export function readRoutes(d: ReadDeps): RouteSpec[] {
  return [
    route({
      method: 'GET',
      path: '/api/v1/conversations',
      operationId: 'listConversations',
      summary: "The token's tenant's conversations, by start time, paged",
      scope: 'read',
      query: conversationListQuery,
      response: conversationPage,
      handler: async ({ query, principal }) => (ownTenant(query, principal) ? d.read.listConversations(principal.tenant, query) : undefined),
    }),
    route({
      method: 'GET',
      path: '/api/v1/conversations/{id}',
      operationId: 'getConversation',
      summary: 'One conversation: analytics tree, recordings, live state and events',
      scope: 'read',
      params: conversationParams,
      response: conversationDetail,
      handler: async ({ params, principal }) => d.read.getConversation(principal.tenant, params.id),
    }),
    route({
      method: 'GET',
      path: '/api/v1/events',
      operationId: 'listEvents',
      summary: "The token's tenant's common events, in a stable order, paged",
      scope: 'read',
      query: eventListQuery,
      response: eventPage,
      handler: async ({ query, principal }) => (ownTenant(query, principal) ? d.read.listEvents(principal.tenant, query) : undefined),
    }),
    route({
      method: 'GET',
      path: '/api/v1/tokens',
      operationId: 'listTokens',
      summary: "The tenant's API tokens, masked, with when each was last used (admin scope)",
      scope: 'admin',
      response: tokenList,
      handler: async ({ principal }) => ({ items: (await d.tokens.list(principal.tenant)).map(({ tenant: _t, ...t }) => t) }),
    }),
  ];
}

export function dataActionRoute(ctx: ConversationContextService): RouteSpec {
  return route({
    method: 'POST',
    path: '/api/v1/actions/{tenant}/conversation-context',
    operationId: 'conversationContext',
    summary: 'Genesys Web Services Data Action: what Hookline knows about a conversation, flat',
    scope: 'read',
    params: dataActionParams,
    body: dataActionBody,
    response: conversationContext,
    handler: async ({ params, body, principal }) => (params.tenant === principal.tenant ? ctx.context(principal.tenant, body.conversationId) : undefined),
  });
}

/** `where.path: message` for each problem, so a client sees which field and why. */
function parse<S extends z.ZodType>(where: string, schema: S | undefined, value: unknown): z.infer<S> {
  if (!schema) return undefined as z.infer<S>;
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw new BadRequestError(r.error.issues.map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`).join('; '));
}

const MAX_AUTHORIZATION = 512;

/** A console login, as the API sees it: who, and the scope held on a tenant (undefined: none). */
export interface SessionIdentity {
  subject: string;
  scopeOn(tenant: string): Scope | undefined;
}

/** A request's console session: undefined when it carries none; a refusal when it carries a dead or unsafe one. */
export type SessionAuthenticator = (req: FastifyRequest) => Promise<{ ok: true; identity: SessionIdentity } | { ok: false; status: 401 | 403; error: string } | undefined>;

/** The tenant a session's request is about: header `x-hookline-tenant`, else the `tenant` query parameter. */
export const TENANT_HEADER = 'x-hookline-tenant';

export interface RegisterOptions {
  tokens: TokenStore;
  /**
   * Console sessions, accepted besides tokens (admin listener only). Consulted only when the request has
   * no Authorization header: a bad token is refused as before, never rescued by a cookie.
   */
  sessions?: SessionAuthenticator;
  /** Request body limit for these routes, bytes. */
  bodyLimit?: number;
  /** Event-stream routes' heartbeat and slow-client bound (default: SSE_HEARTBEAT_MS, SSE_MAX_BUFFERED_BYTES). */
  sse?: Partial<SseOptions>;
}

type Authenticated = { ok: true; principal: Principal } | { ok: false; status: 400 | 401 | 403; error: string };

const NO_TOKEN: Authenticated = { ok: false, status: 401, error: 'a valid API token is required (Authorization: Bearer hlk_…)' };

async function authenticate(req: FastifyRequest, o: RegisterOptions): Promise<Authenticated> {
  const header = req.headers.authorization;
  if (header === undefined && o.sessions) return sessionPrincipal(req, o.sessions);
  const h = header ?? '';
  const token = h.length <= MAX_AUTHORIZATION && h.startsWith('Bearer ') ? h.slice(7).trim() : '';
  const principal = token ? await o.tokens.authenticate(token) : undefined;
  return principal ? { ok: true, principal } : NO_TOKEN;
}

async function sessionPrincipal(req: FastifyRequest, sessions: SessionAuthenticator): Promise<Authenticated> {
  const s = await sessions(req);
  if (!s) return NO_TOKEN;
  if (!s.ok) return s;
  const named = req.headers[TENANT_HEADER] ?? (req.query as { tenant?: unknown } | undefined)?.tenant;
  if (typeof named !== 'string' || named === '' || named.length > 64) return { ok: false, status: 400, error: `${TENANT_HEADER}: a console session must name the tenant (header, or the tenant query parameter)` };
  const tenant = named.toLowerCase();
  const scope = s.identity.scopeOn(tenant);
  if (!scope) return { ok: false, status: 403, error: `${TENANT_HEADER}: this user has no role on tenant ${tenant}` };
  return { ok: true, principal: { tokenId: s.identity.subject, tenant, scope } };
}

/** Registers the routes: authentication first (before the body is read), then validation, then the handler. */
export function registerRoutes(app: FastifyInstance, routes: RouteSpec[], o: RegisterOptions): void {
  const principals = new WeakMap<FastifyRequest, Principal>();
  for (const r of routes) {
    app.route({
      method: r.method,
      url: r.path.replace(/\{(\w+)\}/g, ':$1'),
      bodyLimit: r.bodyLimit ?? o.bodyLimit ?? 4096,
      // onRequest runs before the body is read: an unauthenticated caller costs us no parsing.
      onRequest: async (req, reply) => {
        const a = await authenticate(req, o);
        if (!a.ok) {
          if (a.status === 401) reply.header('www-authenticate', 'Bearer');
          return reply.code(a.status).send({ error: a.error });
        }
        if (!allows(a.principal.scope, r.scope)) return reply.code(403).send({ error: `this route needs a token of scope ${r.scope}` });
        principals.set(req, a.principal);
        return undefined;
      },
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        try {
          const call = {
            params: parse('path', r.params, req.params),
            query: parse('query', r.query, req.query),
            body: parse('body', r.body, req.body),
            principal: principals.get(req) as Principal,
          };
          if (r.stream) {
            await r.stream.serve(call, () => openStream(reply, o.sse));
            return reply;
          }
          const out = await r.handler(call);
          if (out === undefined) return reply.code(404).send({ error: 'not found' });
          if (out instanceof MediaBody) return await sendMedia(req, reply, out);
          return reply.send(out);
        } catch (err) {
          if (err instanceof BadRequestError) return reply.code(400).send({ error: err.message });
          if (err instanceof ForbiddenError) return reply.code(403).send({ error: err.message });
          if (err instanceof NotFoundError) return reply.code(404).send({ error: err.message });
          if (err instanceof TooManyStreamsError) return reply.code(429).send({ error: err.message });
          if (err instanceof UpstreamError) return reply.code(502).send({ error: err.message });
          // Media deleted between its lookup and the read (retention): gone, as if never there.
          if (err instanceof ObjectNotFoundError) return reply.code(404).send({ error: 'not found' });
          throw err;
        }
      },
    });
  }
}

/**
 * Takes the response from Fastify and starts the event stream. Proxies must not buffer or transform it
 * (`x-accel-buffering: no` is nginx's switch, https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_buffering).
 */
function openStream(reply: FastifyReply, o: Partial<SseOptions> | undefined): SseClient {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no', 'x-content-type-options': 'nosniff' });
  res.write(': stream open\n\n');
  const client = new SseClient(res, { heartbeatMs: o?.heartbeatMs ?? SSE_HEARTBEAT_MS, maxBufferedBytes: o?.maxBufferedBytes ?? SSE_MAX_BUFFERED_BYTES, ...(o?.onSlow ? { onSlow: o.onSlow } : {}) });
  // The response's close, not the request's: a GET's request closes as soon as it has been read.
  res.once('close', () => client.close());
  return client;
}

/**
 * Streams a MediaBody: the whole object, or the one range asked for (206, RFC 9110 section 15.3.7), which is
 * what lets an <audio> element seek. nosniff: the browser takes the declared audio type as it is.
 */
async function sendMedia(req: FastifyRequest, reply: FastifyReply, m: MediaBody): Promise<FastifyReply> {
  const r = parseRange(req.headers.range, m.size);
  if (r.kind === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${m.size}`).send({ error: `range: not within the ${m.size} bytes of the media` });
  // Opened before any header is set: a read that fails here still answers as JSON.
  const body = await m.open(r.kind === 'partial' ? r.range : undefined);
  reply.header('accept-ranges', 'bytes').header('x-content-type-options', 'nosniff').header('cache-control', 'private, no-store').header('content-type', m.contentType);
  if (r.kind === 'full') return reply.header('content-length', m.size).send(body);
  const { start, end } = r.range;
  return reply.code(206).header('content-range', `bytes ${start}-${end}/${m.size}`).header('content-length', end - start + 1).send(body);
}

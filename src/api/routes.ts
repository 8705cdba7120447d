/**
 * The API's routes as data: each names its method, path, scope and zod
 * schemas, which both validate requests (here) and make the OpenAPI document
 * (openapi.ts). Registering them needs only a Fastify instance; the admin
 * listener takes the read routes, the public listener the Data Action.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { BadRequestError, ForbiddenError, NotFoundError } from './errors.js';
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
  handler: Handler<z.infer<P>, z.infer<Q>, z.infer<B>, z.input<R>>;
}

/** Keeps each route's handler typed by its own schemas while the list holds them all. */
const route = <P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(r: RouteSpec<P, Q, B, R>): RouteSpec =>
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

export interface RegisterOptions {
  tokens: TokenStore;
  /** Request body limit for these routes, bytes. */
  bodyLimit?: number;
}

/** Registers the routes: authentication first (before the body is read), then validation, then the handler. */
export function registerRoutes(app: FastifyInstance, routes: RouteSpec[], o: RegisterOptions): void {
  const principals = new WeakMap<FastifyRequest, Principal>();
  for (const r of routes) {
    app.route({
      method: r.method,
      url: r.path.replace(/\{(\w+)\}/g, ':$1'),
      bodyLimit: o.bodyLimit ?? 4096,
      // onRequest runs before the body is read: an unauthenticated caller costs us no parsing.
      onRequest: async (req, reply) => {
        const header = req.headers.authorization ?? '';
        const token = header.length <= MAX_AUTHORIZATION && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
        const principal = token ? await o.tokens.authenticate(token) : undefined;
        if (!principal) return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'a valid API token is required (Authorization: Bearer hlk_…)' });
        if (!allows(principal.scope, r.scope)) return reply.code(403).send({ error: `this route needs a token of scope ${r.scope}` });
        principals.set(req, principal);
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
          const out = await r.handler(call);
          if (out === undefined) return reply.code(404).send({ error: 'not found' });
          return reply.send(out);
        } catch (err) {
          if (err instanceof BadRequestError) return reply.code(400).send({ error: err.message });
          if (err instanceof ForbiddenError) return reply.code(403).send({ error: err.message });
          if (err instanceof NotFoundError) return reply.code(404).send({ error: err.message });
          throw err;
        }
      },
    });
  }
}

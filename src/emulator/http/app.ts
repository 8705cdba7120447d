/**
 * The emulator's HTTP server: Genesys API routes under `/r/{env}` (plain
 * `/api/v2/…` and `/login/…` mean the default environment), the control API
 * under `/control`, and error rendering in each side's own format.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { errorMessage } from '../../platform/util/error-message.js';
import type { EmulatorContext } from '../context.js';
import { ApiError, ControlError, OAuthError } from '../errors.js';
import { DEFAULT_ENV } from '../state/model.js';
import { installGuards } from './guards.js';
import { setState, stateOf } from './request.js';

export type RouteModule = (app: FastifyInstance, ctx: EmulatorContext) => void;

export interface AppParts {
  api: RouteModule[];
  login: RouteModule;
  media: RouteModule;
  control: RouteModule;
}

const isControl = (req: FastifyRequest) => req.url.startsWith('/control');

export function createApp(ctx: EmulatorContext, parts: AppParts): FastifyInstance {
  const app = Fastify({
    logger: false,
    // Stopping the emulator ends every connection it still holds. After a
    // Hookline stack stopped, one socket outlived it with no request in
    // flight, and close() waited for it forever (ingest-crash teardown).
    forceCloseConnections: true,
    bodyLimit: 16 * 1024 * 1024,
    // Unprefixed Genesys paths belong to the default region.
    rewriteUrl: (req) => {
      const url = req.url ?? '/';
      return /^\/(api\/v2|login)\//.test(url) ? `/r/${DEFAULT_ENV}${url}` : url;
    },
  });
  installParsers(app);
  app.addHook('onRequest', async (req, reply) => {
    const correlationId = ctx.rng.uuid();
    const env = /^\/r\/([^/]+)/.exec(req.url)?.[1] ?? DEFAULT_ENV;
    setState(req, { correlationId, env: decodeURIComponent(env) });
    reply.header('ININ-Correlation-Id', correlationId);
  });
  app.setErrorHandler((err: FastifyError, req, reply) => sendError(err, req, reply));
  app.setNotFoundHandler((req, reply) => {
    const err = isControl(req) ? new ControlError(`no control route ${req.method} ${req.url}`, 404, 'not_found') : new ApiError(404, 'not.found', 'The requested resource was not found.');
    return sendError(err, req, reply);
  });
  app.register(
    async (scoped) => {
      installGuards(scoped, ctx);
      for (const r of parts.api) r(scoped, ctx);
      parts.login(scoped, ctx);
      parts.media(scoped, ctx);
    },
    { prefix: '/r/:env' },
  );
  app.register(async (scoped) => parts.control(scoped, ctx), { prefix: '/control' });
  return app;
}

function installParsers(app: FastifyInstance): void {
  // Genesys accepts an empty body with a JSON content type (e.g. POST …/channels).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new ApiError(400, 'bad.request', `The request body is not valid JSON: ${errorMessage(err)}`), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
}

function sendError(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const correlationId = safeCorrelation(req);
  if (isControl(req) && (err instanceof ApiError || err instanceof OAuthError)) return reply.code(err.status).send({ error: 'invalid_request', message: err.message });
  if (err instanceof ApiError) {
    for (const [k, v] of Object.entries(err.extra.headers ?? {})) reply.header(k, v);
    return reply.code(err.status).type('application/json').send(err.body(correlationId));
  }
  if (err instanceof OAuthError) return reply.code(err.status).type('application/json').send(err.body());
  if (err instanceof ControlError) return reply.code(err.status).send({ error: err.code, message: err.message });
  const status = (err as FastifyError).statusCode ?? 500;
  const message = errorMessage(err);
  if (isControl(req)) return reply.code(status).send({ error: status >= 500 ? 'internal_error' : 'invalid_request', message });
  if (status < 500) return reply.code(status).type('application/json').send(new ApiError(status, 'bad.request', message).body(correlationId));
  return reply.code(500).type('application/json').send(new ApiError(500, 'internal.server.error', `The server encountered an error: ${message}`).body(correlationId));
}

function safeCorrelation(req: FastifyRequest): string {
  try {
    return stateOf(req).correlationId;
  } catch {
    return '00000000-0000-0000-0000-000000000000';
  }
}

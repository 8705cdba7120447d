/**
 * What stands in front of every Genesys route: bearer authentication (tokens
 * are bound to their region), the rate limit with its `inin-ratelimit-*`
 * headers, and injected faults (latency, 5xx, connection reset, malformed
 * JSON).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { ApiError, badCredentials } from '../errors.js';
import { routeMatches } from './route-match.js';
import { routeKey, stateOf } from './request.js';

const STATUS_CODES: Record<number, [string, string]> = {
  500: ['internal.server.error', 'The server encountered an unexpected condition.'],
  502: ['bad.gateway', 'The server received an invalid response from an upstream server.'],
  503: ['service.unavailable', 'The service is currently unavailable.'],
  504: ['gateway.timeout', 'The server did not receive a timely response from an upstream server.'],
};

export function installGuards(app: FastifyInstance, ctx: EmulatorContext): void {
  app.addHook('preHandler', async (req, reply) => {
    const isApi = routeKey(req).template.startsWith('/api/v2/');
    if (isApi) {
      authenticate(req, ctx);
      rateLimit(req, reply, ctx);
    }
    await applyFaults(req, reply, ctx);
  });
  app.addHook('onSend', async (req, _reply, payload) => {
    if (!stateOf(req).malformed || typeof payload !== 'string') return payload;
    // Cut the document short: valid UTF-8, invalid JSON.
    return payload.slice(0, Math.max(1, Math.floor(payload.length / 2))) + '{"truncated';
  });
}

function authenticate(req: FastifyRequest, ctx: EmulatorContext): void {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw badCredentials('No authentication bearer token specified in authorization header.');
  const state = stateOf(req);
  const check = ctx.tokens.check(m[1] as string, state.env, ctx.clock.now());
  if (!check.ok) throw badCredentials();
  const org = ctx.orgs.get(check.token.orgId);
  if (!org) throw badCredentials();
  state.auth = { token: check.token, org };
}

function rateLimit(req: FastifyRequest, reply: FastifyReply, ctx: EmulatorContext): void {
  const auth = stateOf(req).auth;
  if (!auth) return;
  const global = ctx.settings().rateLimit;
  const mine = auth.org.rateLimit ?? {};
  const key = routeKey(req);
  const rule = [...(mine.routes ?? []), ...global.routes].find((r) => routeMatches(r.route, key));
  const allowed = rule?.allowed ?? mine.allowed ?? global.allowed;
  const windowMs = (mine.windowSeconds ?? global.windowSeconds) * 1000;
  const bucket = rule ? `${auth.token.token}|${rule.route}` : auth.token.token;
  const d = ctx.limiter.take(bucket, allowed, windowMs, ctx.clock.now());
  reply.header('inin-ratelimit-count', String(d.count));
  reply.header('inin-ratelimit-allowed', String(d.allowed));
  reply.header('inin-ratelimit-reset', String(d.resetSeconds));
  if (!d.ok) {
    const windowSeconds = windowMs / 1000;
    throw new ApiError(429, 'too.many.requests.retry.after', `Rate limit exceeded the maximum [${allowed}] requests within [${windowSeconds}] seconds`, {
      messageParams: { limit: String(allowed), window: String(windowSeconds) },
      headers: { 'Retry-After': String(d.retryAfterSeconds) },
    });
  }
}

async function applyFaults(req: FastifyRequest, reply: FastifyReply, ctx: EmulatorContext): Promise<void> {
  const state = stateOf(req);
  const faults = ctx.faults.select(routeKey(req), { env: state.env, ...(state.auth ? { orgId: state.auth.org.id } : {}) });
  if (faults.length === 0) return;
  const key = routeKey(req);
  ctx.log.happening(ctx.nowIso(), 'fault.applied', { route: `${key.method} ${key.path}`, kinds: faults.map((f) => f.kind), ids: faults.map((f) => f.id) });
  for (const f of faults.filter((x) => x.kind === 'latency')) await sleep(f.latencyMs);
  if (faults.some((f) => f.kind === 'reset')) {
    reply.hijack();
    req.raw.socket.destroy();
    return;
  }
  const status = faults.find((f) => f.kind === 'status');
  if (status?.status === 429) {
    throw new ApiError(429, 'too.many.requests.retry.after', `Rate limit exceeded the maximum; retry the request in [${status.retryAfterSeconds}] seconds`, {
      headers: { 'Retry-After': String(status.retryAfterSeconds) },
    });
  }
  if (status) {
    const [code, message] = STATUS_CODES[status.status] ?? ['internal.server.error', 'Server error'];
    throw new ApiError(status.status, code, message);
  }
  if (faults.some((f) => f.kind === 'malformed')) state.malformed = true;
}

/**
 * The console's own JSON API on the admin listener: login, logout, who am I,
 * and the user's tenants. Also the session authenticator the read API takes,
 * so the console calls `/api/v1/…` with its cookie.
 *
 * CSRF: the cookie is SameSite=Strict; every state-changing request must come
 * from the console's own origin (Origin / Sec-Fetch-Site), and, once logged
 * in, carry `x-csrf-token` equal to the token the server keeps for the
 * session (not a double-submit cookie: nothing a page can set is trusted).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SessionAuthenticator } from '../api/index.js';
import type { ConsoleConfig } from './config.js';
import { LoginLimiter } from './rate-limit.js';
import type { ConsoleSession, SessionStore } from './sessions.js';
import type { ConsoleUser, Role, UserStore } from './users.js';

export const SESSION_COOKIE = 'hookline_session';
const MAX_KEYS = 10_000;

export interface TenantSummary {
  orgId: string;
  name: string;
  admission: string;
  keyCount: number;
}

export interface ConsoleDeps {
  users: UserStore;
  sessions: SessionStore;
  config: ConsoleConfig;
  /** Every tenant, summarized (no secrets); the routes keep those the user may see. */
  tenants: () => Promise<TenantSummary[]>;
  /** The admin listener is bound to a loopback address (see `console.secureCookie`). */
  loopback: boolean;
  now?: () => number;
}

export interface SessionContext {
  session: ConsoleSession;
  user: ConsoleUser;
}

/** The role a user holds on a tenant: a global admin is admin everywhere. */
export function roleOn(user: ConsoleUser, tenant: string): Role | undefined {
  if (user.globalAdmin) return 'admin';
  return user.roles.find((r) => r.tenant === tenant.toLowerCase())?.role;
}

export function sessionCookie(req: FastifyRequest): string | undefined {
  const header = req.headers.cookie;
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === SESSION_COOKIE) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** A browser's request from another site says so in Sec-Fetch-Site or Origin; a non-browser client carries no victim's cookie. */
export function sameOrigin(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function csrfMatches(req: FastifyRequest, session: ConsoleSession): boolean {
  const sent = req.headers['x-csrf-token'];
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export type SessionCheck = { ok: true; ctx: SessionContext } | { ok: false; status: 401 | 403; error: string };

/** The session of a request: live, its user enabled, and for a state-changing method same-origin with the CSRF token. */
export function sessionChecker(d: Pick<ConsoleDeps, 'users' | 'sessions'>) {
  return async (req: FastifyRequest): Promise<SessionCheck> => {
    const cookie = sessionCookie(req);
    const session = cookie ? await d.sessions.find(cookie) : undefined;
    const user = session ? await d.users.get(session.userId) : undefined;
    if (!session || !user || user.disabled) return { ok: false, status: 401, error: 'not logged in' };
    if (!SAFE.has(req.method) && !(sameOrigin(req) && csrfMatches(req, session))) {
      return { ok: false, status: 403, error: 'x-csrf-token: missing or wrong for this session, or the request is cross-origin' };
    }
    return { ok: true, ctx: { session, user } };
  };
}

const loginBody = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) });

const me = (c: SessionContext) => ({
  user: { username: c.user.username, globalAdmin: c.user.globalAdmin },
  roles: c.user.roles,
  csrfToken: c.session.csrfToken,
  expiresAt: c.session.expiresAt,
});

export function registerConsoleRoutes(app: FastifyInstance, d: ConsoleDeps): void {
  const lock = { baseLockMs: d.config.lockMs, maxLockMs: d.config.maxLockMs, maxKeys: MAX_KEYS, ...(d.now ? { now: d.now } : {}) };
  const perUser = new LoginLimiter({ ...lock, maxFailures: d.config.maxFailuresPerUser });
  const perAddress = new LoginLimiter({ ...lock, maxFailures: d.config.maxFailuresPerAddress });
  const check = sessionChecker(d);
  const secure = (req: FastifyRequest): boolean =>
    d.config.secureCookie === true || (d.config.secureCookie === 'auto' && (req.protocol === 'https' || !d.loopback));
  const cookie = (req: FastifyRequest, value: string, maxAgeS: number): string =>
    `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeS}${secure(req) ? '; Secure' : ''}`;
  const withSession = (fn: (c: SessionContext, req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => async (req: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store');
    const r = await check(req);
    if (!r.ok) return reply.code(r.status).send({ error: r.error });
    return fn(r.ctx, req, reply);
  };

  app.post('/console/api/login', { bodyLimit: 4096 }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    if (!sameOrigin(req)) return reply.code(403).send({ error: 'cross-origin login refused' });
    const body = loginBody.safeParse(req.body);
    if (!body.success) return reply.code(400).send({ error: body.error.issues.map((i) => `body.${i.path.join('.')}: ${i.message}`).join('; ') });
    const userKey = body.data.username.trim().toLowerCase();
    const wait = Math.max(perUser.retryAfterMs(userKey), perAddress.retryAfterMs(req.ip));
    if (wait > 0) {
      const s = Math.ceil(wait / 1000);
      return reply.code(429).header('retry-after', String(s)).send({ error: `too many failed logins: try again in ${s} s` });
    }
    const user = await d.users.verify(body.data.username, body.data.password);
    if (!user) {
      perUser.fail(userKey);
      perAddress.fail(req.ip);
      return reply.code(401).send({ error: 'wrong username or password' });
    }
    // Only the user's count is cleared: one known account must not reset an address's guessing at others.
    perUser.succeed(userKey);
    // Sessions past their absolute end go here (idle ones when next presented): the table stays as small as the logins.
    await d.sessions.sweep();
    const { session, cookie: value } = await d.sessions.create(user.id);
    reply.header('set-cookie', cookie(req, value, Math.floor(d.config.absoluteTimeoutMs / 1000)));
    return reply.code(200).send(me({ session, user }));
  });

  app.post(
    '/console/api/logout',
    withSession(async (c, req, reply) => {
      await d.sessions.delete(c.session.id);
      return reply.header('set-cookie', cookie(req, '', 0)).code(204).send();
    }),
  );

  app.get(
    '/console/api/me',
    withSession(async (c) => me(c)),
  );

  app.get(
    '/console/api/tenants',
    withSession(async (c) => {
      const all = await d.tenants();
      return { items: all.flatMap((t) => {
        const role = roleOn(c.user, t.orgId);
        return role ? [{ ...t, role }] : [];
      }) };
    }),
  );
}

/** Console sessions for the read API: viewer reads, admin is the admin scope; no cookie is "no session". */
export function apiSessionAuthenticator(d: Pick<ConsoleDeps, 'users' | 'sessions'>): SessionAuthenticator {
  const check = sessionChecker(d);
  return async (req) => {
    if (sessionCookie(req) === undefined) return undefined;
    const r = await check(req);
    if (!r.ok) return r;
    const { user } = r.ctx;
    return {
      ok: true,
      identity: {
        subject: `console:${user.username}`,
        scopeOn: (tenant) => {
          const role = roleOn(user, tenant);
          return role === undefined ? undefined : role === 'admin' ? 'admin' : 'read';
        },
      },
    };
  };
}

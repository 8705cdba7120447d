/**
 * The browser grants at the org's login host (Genesys Cloud docs, "Authorization code grant"
 * https://developer.genesys.cloud/authorization/platform-auth/use-authorization-code, "PKCE grant"
 * https://developer.genesys.cloud/authorization/platform-auth/use-pkce, "Implicit grant"
 * https://developer.genesys.cloud/authorization/platform-auth/use-implicit-grant):
 * `GET /oauth/authorize` shows a login form (the emulator's stand-in for the Genesys login page),
 * its POST checks the user's test password and sends the browser back to a registered redirect URI
 * with a one-time `code` (code grant, optionally PKCE S256) or an `access_token` in the fragment
 * (implicit grant). `/oauth/token` redeems the code (login.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { OAuthError } from '../errors.js';
import { stateOf } from '../http/request.js';
import type { OAuthClient, Org, User } from '../state/model.js';

/** How long a code may wait to be redeemed (RFC 6749 section 4.1.2 recommends at most 10 minutes). */
const CODE_LIFETIME_MS = 60_000;

export interface IssuedCode {
  clientId: string;
  orgId: string;
  userId: string;
  redirectUri: string;
  env: string;
  expiresAt: number;
  /** PKCE S256 challenge (RFC 7636 section 4.2), when the app sent one. */
  challenge?: string;
}

interface AuthorizeRequest {
  responseType: 'code' | 'token';
  client: OAuthClient;
  redirectUri: string;
  state: string | undefined;
  challenge: string | undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The one-time codes, in memory like the tokens. */
export class CodeStore {
  private readonly codes = new Map<string, IssuedCode>();
  constructor(private readonly newCode: () => string) {}
  issue(c: IssuedCode): string {
    const code = this.newCode();
    this.codes.set(code, c);
    return code;
  }
  /** A code is good once: taken here whether or not the exchange then succeeds (RFC 6749 section 4.1.2). */
  take(code: string, now: number): IssuedCode | undefined {
    const c = this.codes.get(code);
    this.codes.delete(code);
    return c && now < c.expiresAt ? c : undefined;
  }
}

export const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks that precede any redirect: a bad client or redirect URI is shown, never followed (RFC 6749 section 4.1.2.1). */
function authorizeRequest(ctx: EmulatorContext, env: string, q: Record<string, unknown>): AuthorizeRequest {
  const responseType = str(q.response_type);
  if (responseType !== 'code' && responseType !== 'token') throw new OAuthError(400, 'unsupported_response_type', 'response_type must be code or token');
  const clientId = str(q.client_id);
  const found = clientId ? ctx.orgs.findClient(env, clientId) : undefined;
  if (!found) throw new OAuthError(400, 'invalid_client', 'client_id is not a client of this region');
  const wanted = responseType === 'code' ? 'CODE' : 'TOKEN';
  if (found.client.authorizedGrantType !== wanted) throw new OAuthError(400, 'unauthorized_client', `This client's grant type is ${found.client.authorizedGrantType}, not ${wanted}`);
  const redirectUri = str(q.redirect_uri);
  if (!redirectUri || !(found.client.registeredRedirectUri ?? []).includes(redirectUri)) throw new OAuthError(400, 'invalid_request', 'redirect_uri is not one of the client\'s registered redirect URIs');
  const method = str(q.code_challenge_method);
  const challenge = str(q.code_challenge);
  if (challenge && method !== 'S256') throw new OAuthError(400, 'invalid_request', 'code_challenge_method must be S256');
  return { responseType, client: found.client, redirectUri, state: str(q.state), challenge };
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(q: Record<string, unknown>, message?: string): string {
  const keep = ['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method'];
  const hidden = keep
    .filter((k) => str(q[k]) !== undefined)
    .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(String(q[k]))}">`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Genesys Cloud emulator: log in</title></head><body><main>
<h1>Log in to the Genesys Cloud emulator</h1>${message ? `<p role="alert">${escapeHtml(message)}</p>` : ''}
<form method="post">${hidden}
<p><label for="username">Email</label> <input id="username" name="username" type="email" autocomplete="username" required autofocus></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Log in</button></p></form></main></body></html>`;
}

function findUser(ctx: EmulatorContext, env: string, email: string, password: string): { org: Org; user: User } | undefined {
  for (const org of ctx.orgs.all()) {
    if (org.env !== env) continue;
    for (const user of org.users.values()) {
      if (user.state === 'active' && user.email.toLowerCase() === email.toLowerCase() && user.password !== undefined && sameText(user.password, password)) return { org, user };
    }
  }
  return undefined;
}

function redirectBack(reply: FastifyReply, a: AuthorizeRequest, params: Record<string, string>, inFragment: boolean): FastifyReply {
  const p = new URLSearchParams({ ...params, ...(a.state !== undefined ? { state: a.state } : {}) });
  const url = new URL(a.redirectUri);
  if (inFragment) url.hash = p.toString();
  else for (const [k, v] of p) url.searchParams.set(k, v);
  return reply.redirect(url.toString(), 302);
}

export function authorizeRoutes(app: FastifyInstance, ctx: EmulatorContext, codes: CodeStore): void {
  const fields = (req: FastifyRequest): Record<string, unknown> => ({ ...(req.query as object), ...((req.body ?? {}) as object) });
  app.get('/login/oauth/authorize', async (req, reply) => {
    authorizeRequest(ctx, stateOf(req).env, fields(req));
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(loginPage(fields(req)));
  });
  app.post('/login/oauth/authorize', async (req, reply) => {
    const env = stateOf(req).env;
    const f = fields(req);
    const a = authorizeRequest(ctx, env, f);
    const who = findUser(ctx, env, str(f.username) ?? '', str(f.password) ?? '');
    if (!who) return reply.code(401).type('text/html; charset=utf-8').send(loginPage(f, 'Wrong email or password.'));
    const now = ctx.clock.now();
    if (a.responseType === 'token') {
      const lifetime = a.client.accessTokenValiditySeconds ?? ctx.settings().tokenLifetimeSeconds;
      const t = ctx.tokens.issue(who.org.id, a.client.id, env, lifetime, now, who.user.id);
      return redirectBack(reply, a, { access_token: t.token, token_type: 'bearer', expires_in: String(lifetime) }, true);
    }
    const code = codes.issue({ clientId: a.client.id, orgId: who.org.id, userId: who.user.id, redirectUri: a.redirectUri, env, expiresAt: now + CODE_LIFETIME_MS, ...(a.challenge ? { challenge: a.challenge } : {}) });
    return redirectBack(reply, a, { code }, false);
  });
}

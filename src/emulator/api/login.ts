/**
 * `POST {loginUrl}/oauth/token` — the client-credentials grant (Genesys
 * Cloud docs, "OAuth client credentials grant"): Basic auth (or client_id/client_secret in the form), answered with
 * `{access_token, token_type:"bearer", expires_in}` or OAuth error JSON.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { OAuthError } from '../errors.js';
import { stateOf } from '../http/request.js';

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1] ?? '', 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decodeURIComponent(text.slice(0, colon)), secret: decodeURIComponent(text.slice(colon + 1)) };
}

/** The token request's fields; a body that is no object has none (and so no grant_type). */
function formFields(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === 'object' ? Object.fromEntries(Object.entries(body)) : {};
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function loginRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post('/login/oauth/token', async (req) => {
    const form = formFields(req.body);
    if (form.grant_type === undefined) throw new OAuthError(400, 'invalid_request', 'Missing grant_type (send application/x-www-form-urlencoded grant_type=client_credentials)');
    if (form.grant_type !== 'client_credentials') throw new OAuthError(400, 'unsupported_grant_type', `Unsupported grant_type ${String(form.grant_type)}; the emulator implements client_credentials`);
    const creds =
      basicCredentials(req.headers.authorization) ??
      (typeof form.client_id === 'string' && typeof form.client_secret === 'string' ? { id: form.client_id, secret: form.client_secret } : undefined);
    if (!creds) throw new OAuthError(401, 'invalid_client', 'Client authentication is required (HTTP Basic with client id and secret)');
    const env = stateOf(req).env;
    const found = ctx.orgs.findClient(env, creds.id);
    if (!found || !sameSecret(found.client.secret, creds.secret)) throw new OAuthError(401, 'invalid_client', 'Invalid client credentials');
    if (found.client.authorizedGrantType !== 'CLIENT-CREDENTIALS') throw new OAuthError(400, 'unauthorized_client', 'This client is not authorized for the client_credentials grant');
    const lifetime = found.client.accessTokenValiditySeconds ?? ctx.settings().tokenLifetimeSeconds;
    const token = ctx.tokens.issue(found.org.id, found.client.id, env, lifetime, ctx.clock.now());
    return { access_token: token.token, token_type: 'bearer', expires_in: lifetime };
  });
}

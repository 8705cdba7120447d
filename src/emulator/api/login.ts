/**
 * `POST {loginUrl}/oauth/token` — the client-credentials grant (Genesys
 * Cloud docs, "OAuth client credentials grant"): Basic auth (or client_id/client_secret in the form), answered with
 * `{access_token, token_type:"bearer", expires_in}` or OAuth error JSON; and `authorization_code`, redeeming a code
 * from `/oauth/authorize` (authorize.ts) with the PKCE `code_verifier` or the client's secret (Genesys Cloud docs,
 * "PKCE grant", https://developer.genesys.cloud/authorization/platform-auth/use-pkce).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { OAuthError } from '../errors.js';
import { stateOf } from '../http/request.js';
import { authorizeRoutes, CodeStore, s256, sameText } from './authorize.js';

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

const sameSecret = sameText;

/** The authorization-code grant: the code once, the same client and redirect URI, and the verifier or the secret. */
function redeemCode(ctx: EmulatorContext, codes: CodeStore, req: FastifyRequest, form: Record<string, unknown>) {
  const env = stateOf(req).env;
  const basic = basicCredentials(req.headers.authorization);
  const clientId = basic?.id ?? (typeof form.client_id === 'string' ? form.client_id : undefined);
  if (!clientId) throw new OAuthError(401, 'invalid_client', 'client_id is required');
  const issued = typeof form.code === 'string' ? codes.take(form.code, ctx.clock.now()) : undefined;
  if (!issued || issued.env !== env || issued.clientId !== clientId) throw new OAuthError(400, 'invalid_grant', 'The authorization code is invalid, expired or already used');
  if (form.redirect_uri !== issued.redirectUri) throw new OAuthError(400, 'invalid_grant', 'redirect_uri does not match the one the code was issued for');
  const found = ctx.orgs.findClient(env, clientId);
  if (!found) throw new OAuthError(401, 'invalid_client', 'Invalid client credentials');
  if (issued.challenge !== undefined) {
    const verifier = typeof form.code_verifier === 'string' ? form.code_verifier : '';
    if (!sameText(s256(verifier), issued.challenge)) throw new OAuthError(400, 'invalid_grant', 'code_verifier does not match the code_challenge');
  } else {
    const secret = basic?.secret ?? (typeof form.client_secret === 'string' ? form.client_secret : '');
    if (!sameSecret(found.client.secret, secret)) throw new OAuthError(401, 'invalid_client', 'Invalid client credentials');
  }
  const lifetime = found.client.accessTokenValiditySeconds ?? ctx.settings().tokenLifetimeSeconds;
  const token = ctx.tokens.issue(issued.orgId, clientId, env, lifetime, ctx.clock.now(), issued.userId);
  return { access_token: token.token, token_type: 'bearer', expires_in: lifetime };
}

export function loginRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const codes = new CodeStore(() => ctx.rng.token(32, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'));
  authorizeRoutes(app, ctx, codes);
  app.post('/login/oauth/token', async (req) => {
    const form = formFields(req.body);
    if (form.grant_type === undefined) throw new OAuthError(400, 'invalid_request', 'Missing grant_type (send application/x-www-form-urlencoded grant_type=client_credentials)');
    if (form.grant_type === 'authorization_code') return redeemCode(ctx, codes, req, form);
    if (form.grant_type !== 'client_credentials') throw new OAuthError(400, 'unsupported_grant_type', `Unsupported grant_type ${String(form.grant_type)}; the emulator implements client_credentials and authorization_code`);
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

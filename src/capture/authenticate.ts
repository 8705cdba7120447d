/**
 * Authenticates an AudioHook upgrade request: the Audiohook-* headers, the API
 * key and the HTTP message signature, with a proxy-aware @authority.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isUuid } from '../protocol/audiohook/index.js';
import { verifyRequest, type NonceCache, type SignatureFailure } from '../protocol/signature/index.js';
import type { Credential } from '../tenants/index.js';
import type { AudiohookConfig } from './config.js';
import type { CredentialLookup } from './credentials.js';

export type AuthFailure = SignatureFailure | 'bad-headers' | 'org-mismatch';

/** What a cache shared by replicas must remember so the same signature cannot open a second session anywhere. */
export interface ReplayKey {
  key: string;
  untilSeconds: number;
}

export type AuthResult =
  | { ok: true; sessionId: string; correlationId: string; orgId: string; credential: Credential; signed: boolean; replay?: ReplayKey }
  | { ok: false; reason: AuthFailure; sessionId: string; correlationId: string; orgId: string };

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v)?.trim();
}

/** How the signature's @authority is found behind a proxy (the `server` section's keys). */
export interface AuthorityOptions {
  publicAuthority?: string | undefined;
  trustForwardedHeaders: boolean;
}

/** The host Genesys dialled: configured, else X-Forwarded-Host(+Port), else Host. */
export function requestAuthority(req: IncomingMessage, server: AuthorityOptions): string {
  if (server.publicAuthority) return server.publicAuthority;
  if (server.trustForwardedHeaders) {
    const host = header(req, 'x-forwarded-host')?.split(',')[0]?.trim();
    if (host) {
      const port = header(req, 'x-forwarded-port')?.split(',')[0]?.trim();
      return port && !host.includes(':') ? `${host}:${port}` : host;
    }
  }
  return header(req, 'host') ?? '';
}

export function authenticate(
  req: IncomingMessage,
  cfg: { server: AuthorityOptions; audiohook: AudiohookConfig },
  credentials: CredentialLookup,
  nonceCache: NonceCache,
  nowSeconds: number,
): AuthResult {
  const sessionId = header(req, 'audiohook-session-id') ?? '';
  const correlationId = header(req, 'audiohook-correlation-id') ?? '';
  // Lower-case from here on: tenant lookups, the gate and metrics compare exactly.
  const orgId = (header(req, 'audiohook-organization-id') ?? '').toLowerCase();
  // Only validated values travel on: they end up in log lines and must not be whatever a client sent.
  const ids = { sessionId: isUuid(sessionId) ? sessionId : '', correlationId: isUuid(correlationId) ? correlationId : '', orgId: isUuid(orgId) ? orgId : '' };
  if (!isUuid(sessionId) || !isUuid(orgId) || !isUuid(correlationId)) return { ok: false, reason: 'bad-headers', ...ids };
  const sig = cfg.audiohook.signature;
  const result = verifyRequest(
    { requestTarget: req.url ?? '/', authority: requestAuthority(req, cfg.server), headers: req.headers },
    {
      lookup: (key) => credentials.lookup(key),
      nowSeconds,
      clockSkewSeconds: sig.clockSkewSeconds,
      maxAgeSeconds: sig.maxAgeSeconds,
      minNonceLength: sig.minNonceLength,
      nonceCache,
    },
  );
  if (!result.ok) return { ok: false, reason: result.reason, ...ids };
  const credential = result.entry;
  // The key must belong to the organization that is calling.
  if (credential.orgId.toLowerCase() !== orgId) return { ok: false, reason: 'org-mismatch', ...ids };
  const replay = result.nonce !== undefined && result.until !== undefined ? { key: createHash('sha256').update(`${result.apiKey}\u0000${result.nonce}`).digest('base64url'), untilSeconds: result.until } : undefined;
  return { ok: true, credential, signed: result.signed, ...ids, ...(replay ? { replay } : {}) };
}

/**
 * Client-credentials access tokens: opaque strings bound to one org, one
 * OAuth client and one environment, expiring on the virtual clock.
 */
import type { Rng } from '../core/rng.js';

export interface AccessToken {
  token: string;
  orgId: string;
  clientId: string;
  env: string;
  issuedAt: number;
  expiresAt: number;
  /** The logged-in user, for tokens of the code and implicit grants; client-credentials tokens have none. */
  userId?: string;
}

export type TokenCheck = { ok: true; token: AccessToken } | { ok: false; reason: 'unknown' | 'expired' | 'wrong-env' };

export class TokenStore {
  private readonly tokens = new Map<string, AccessToken>();

  constructor(private readonly rng: Rng) {}

  issue(orgId: string, clientId: string, env: string, lifetimeSeconds: number, now: number, userId?: string): AccessToken {
    const t: AccessToken = { token: this.rng.token(64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), orgId, clientId, env, issuedAt: now, expiresAt: now + lifetimeSeconds * 1000, ...(userId ? { userId } : {}) };
    this.tokens.set(t.token, t);
    return t;
  }

  check(token: string, env: string, now: number): TokenCheck {
    const t = this.tokens.get(token);
    if (!t) return { ok: false, reason: 'unknown' };
    // A token from one region is meaningless in another (Genesys Cloud docs, "Platform API: regions").
    if (t.env !== env) return { ok: false, reason: 'wrong-env' };
    if (now >= t.expiresAt) {
      this.tokens.delete(token);
      return { ok: false, reason: 'expired' };
    }
    return { ok: true, token: t };
  }

  /** Drops a client's tokens (client deleted or secret rotated). */
  revokeClient(clientId: string): void {
    for (const [k, t] of this.tokens) if (t.clientId === clientId) this.tokens.delete(k);
  }
}

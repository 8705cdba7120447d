/**
 * Per-tenant API tokens: `hlk_` + 32 random bytes (base64url), shown once.
 *
 * Stored as SHA-256, not argon2/scrypt: a slow hash protects guessable
 * secrets (passwords) against offline guessing; a token of 256 random bits
 * cannot be guessed however fast the hash, and a fast hash lets every request
 * find its token by an indexed lookup instead of trying each stored hash.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { mask } from '../platform/crypto/mask.js';
import type { Db } from '../platform/db/index.js';
import type { ApiTables, ApiTokensTable } from './tables.js';

export const TOKEN_PREFIX = 'hlk_';
/** `hlk_` and 43 base64url characters; anything else is not looked up. */
const TOKEN_SHAPE = /^hlk_[A-Za-z0-9_-]{43}$/;
/** last_used_at is written at most this often per token (a read per request, a write per minute). */
export const LAST_USED_RESOLUTION_MS = 60_000;

export type Scope = 'read' | 'admin';
export const SCOPES: readonly Scope[] = ['read', 'admin'];

export class TokenError extends Error {
  override name = 'TokenError';
}

/** Who a request is, once its token is accepted. */
export interface Principal {
  tokenId: string;
  tenant: string;
  scope: Scope;
}

export interface TokenInfo {
  id: string;
  tenant: string;
  name: string;
  scope: Scope;
  /** Masked: at most the token's last 4 characters. */
  token: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** `admin` can do all that `read` can. */
export const allows = (held: Scope, needed: Scope): boolean => held === 'admin' || needed === 'read';

const info = (r: ApiTokensTable): TokenInfo => ({
  id: r.id,
  tenant: r.tenant_id,
  name: r.name,
  scope: r.scope,
  token: r.token_hint,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export class TokenStore {
  private readonly k: Kysely<ApiTables>;

  constructor(db: Db, private readonly now: () => number = Date.now) {
    this.k = db.kysely.withTables<ApiTables>();
  }

  /** Makes a token; the returned `secret` is the only copy there will ever be. */
  async create(tenant: string, name: string, scope: Scope): Promise<{ info: TokenInfo; secret: string }> {
    if (!SCOPES.includes(scope)) throw new TokenError(`scope: must be one of ${SCOPES.join(', ')}, got "${scope}"`);
    if (name.trim() === '' || name.length > 200) throw new TokenError('name: must be 1 to 200 characters');
    const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const row: ApiTokensTable = {
      id: randomUUID(),
      tenant_id: tenant.toLowerCase(),
      name,
      scope,
      token_hash: hash(secret),
      token_hint: mask(secret),
      created_at: new Date(this.now()).toISOString(),
      last_used_at: null,
      revoked_at: null,
    };
    await this.k.insertInto('api_tokens').values(row).execute();
    return { info: info(row), secret };
  }

  async list(tenant?: string): Promise<TokenInfo[]> {
    let q = this.k.selectFrom('api_tokens').selectAll().orderBy('created_at').orderBy('id');
    if (tenant !== undefined) q = q.where('tenant_id', '=', tenant.toLowerCase());
    return (await q.execute()).map(info);
  }

  /** False when no such token (or already revoked). */
  async revoke(id: string): Promise<boolean> {
    const r = await this.k
      .updateTable('api_tokens')
      .set({ revoked_at: new Date(this.now()).toISOString() })
      .where('id', '=', id.toLowerCase())
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /** The principal of a live token; undefined for a malformed, unknown or revoked one. */
  async authenticate(token: string): Promise<Principal | undefined> {
    if (!TOKEN_SHAPE.test(token)) return undefined;
    const row = await this.k.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash(token)).executeTakeFirst();
    if (!row || row.revoked_at !== null) return undefined;
    await this.touch(row);
    return { tokenId: row.id, tenant: row.tenant_id, scope: row.scope };
  }

  private async touch(row: ApiTokensTable): Promise<void> {
    const now = this.now();
    if (row.last_used_at !== null && now - Date.parse(row.last_used_at) < LAST_USED_RESOLUTION_MS) return;
    await this.k.updateTable('api_tokens').set({ last_used_at: new Date(now).toISOString() }).where('id', '=', row.id).execute();
  }
}

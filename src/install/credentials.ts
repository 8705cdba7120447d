/**
 * Installer credentials: what a Hookline operator issues (`hookline installer add NAME`) and hands to
 * a customer's Genesys admin for the install wizard's Setup step. The wizard exchanges id and secret
 * at `POST /api/v1/install/token` for a short-lived `hli_` token (proof that the credentials work),
 * which then authorizes Setup.
 *
 * The token is stateless: `hli_{id}.{expiry}.{HMAC-SHA256 keyed by the stored secret hash}`, so
 * revoking the credential (or its expiry) ends every token made from it, and nothing is written per login.
 * Secrets are 32 random bytes, stored as SHA-256 (a fast hash is enough for unguessable secrets,
 * as for API tokens, src/api/tokens.ts).
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/index.js';
import type { InstallTables } from './tables.js';

export const INSTALLER_TOKEN_PREFIX = 'hli_';
export const INSTALLER_TOKEN_SECONDS = 3600;
const TOKEN_SHAPE = /^hli_([0-9a-f-]{36})\.(\d{10,13})\.([A-Za-z0-9_-]{43})$/;

export class InstallerError extends Error {
  override name = 'InstallerError';
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const sign = (secretHash: string, payload: string): string => createHmac('sha256', secretHash).update(payload).digest('base64url');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface InstallerInfo {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

export class InstallerCredentials {
  private readonly k: Kysely<InstallTables>;
  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.k = db.kysely.withTables<InstallTables>();
  }

  /** A new credential; the secret is returned here only. */
  async add(name: string): Promise<{ id: string; secret: string }> {
    const trimmed = name.trim();
    if (trimmed === '' || trimmed.length > 200) throw new InstallerError('name: must be 1 to 200 characters');
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    await this.k.insertInto('install_credentials').values({ id, name: trimmed, secret_hash: sha256(secret), created_at: new Date(this.now()).toISOString(), revoked_at: null }).execute();
    return { id, secret };
  }

  async list(): Promise<InstallerInfo[]> {
    const rows = await this.k.selectFrom('install_credentials').selectAll().orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, revokedAt: r.revoked_at }));
  }

  async revoke(id: string): Promise<boolean> {
    const r = await this.k.updateTable('install_credentials').set({ revoked_at: new Date(this.now()).toISOString() }).where('id', '=', id.toLowerCase()).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The `hli_` token for a good id and secret; undefined for anything else (one answer for all failures). */
  async token(id: string, secret: string): Promise<{ token: string; expiresIn: number } | undefined> {
    const row = await this.live(id);
    if (!row || !same(row.secret_hash, sha256(secret))) return undefined;
    const expiry = Math.floor(this.now() / 1000) + INSTALLER_TOKEN_SECONDS;
    const payload = `${row.id}.${expiry}`;
    return { token: `${INSTALLER_TOKEN_PREFIX}${payload}.${sign(row.secret_hash, payload)}`, expiresIn: INSTALLER_TOKEN_SECONDS };
  }

  /** The credential id a token was made from, while it is unexpired and the credential not revoked. */
  async verify(token: string): Promise<string | undefined> {
    const m = TOKEN_SHAPE.exec(token);
    if (!m) return undefined;
    const [, id, expiry, mac] = m as unknown as [string, string, string, string];
    if (Number(expiry) * 1000 <= this.now()) return undefined;
    const row = await this.live(id);
    return row && same(mac, sign(row.secret_hash, `${id}.${expiry}`)) ? row.id : undefined;
  }

  private async live(id: string) {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    return this.k.selectFrom('install_credentials').selectAll().where('id', '=', id.toLowerCase()).where('revoked_at', 'is', null).executeTakeFirst();
  }
}

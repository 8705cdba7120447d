/**
 * Tenants and their AudioHook API keys, in the database. Secrets are encrypted
 * with the master key before they are written and decrypted only on read.
 */
import { createHash, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/index.js';
import { nowIso } from '../platform/db/index.js';
import type { SecretBox } from '../platform/crypto/index.js';
import type { DeepReadonly } from '../platform/config/index.js';
import { MIN_SECRET_BYTES, tenantSchema, type TenantConfig } from './config.js';
import type { ApiKeyInfo, Credential, Tenant } from './tenant.js';
import { joinSecrets, splitSecrets } from './secrets.js';
import type { TenantTables } from './tables.js';

export class TenantError extends Error {
  override name = 'TenantError';
}

/** `config` or `config:<file id>`: written by a config file's sync (see applyConfig). */
export type Source = 'cli' | 'api' | ConfigOrigin;
export type ConfigOrigin = 'config' | `config:${string}`;

/** The origin of tenants synced from configuration when no file names it (tests, benchmarks). */
export const CONFIG_ORIGIN: ConfigOrigin = 'config';

/**
 * The origin of one config file: `config:` and a short hash of its absolute
 * path, so it fits the 16-character source column and two servers with
 * different files on one database do not remove each other's tenants.
 */
export function configOrigin(file: string | undefined): ConfigOrigin {
  return file ? `config:${createHash('sha256').update(resolve(file)).digest('hex').slice(0, 8)}` : CONFIG_ORIGIN;
}

/** Org ids are compared as lower-case UUIDs everywhere (Genesys sends either case). */
export const normalizeOrgId = (orgId: string): string => orgId.trim().toLowerCase();

export interface NewApiKey {
  orgId: string;
  apiKey: string;
  /** Base64 client secret, at least MIN_SECRET_BYTES once decoded. */
  secret?: string | undefined;
  /** No secret: unsigned requests are accepted. Must be said; a missing secret is an error. */
  unsigned?: boolean | undefined;
  label?: string | undefined;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * A new AudioHook API key and client secret, as the CLI, the console and the install wizard
 * issue them: a 24-byte base64url key and a 32-byte base64 secret (Genesys's AudioHook
 * integration takes the secret as base64).
 */
export function freshApiKey(): { apiKey: string; secret: string } {
  return { apiKey: randomBytes(24).toString('base64url'), secret: randomBytes(32).toString('base64') };
}

/** The secret to store, or undefined for an explicitly unsigned key. */
function checkSecret(k: NewApiKey): string | undefined {
  if (k.unsigned === true) {
    if (k.secret) throw new TenantError('a key is either signed (--secret) or --unsigned, not both');
    return undefined;
  }
  if (!k.secret) throw new TenantError('a client secret is required (base64, at least 16 bytes); --unsigned accepts unsigned requests for this key');
  if (!BASE64.test(k.secret)) throw new TenantError('client secret must be base64');
  if (Buffer.from(k.secret, 'base64').length < MIN_SECRET_BYTES) throw new TenantError(`client secret must decode to at least ${MIN_SECRET_BYTES} bytes`);
  return k.secret;
}

export class TenantStore {
  private readonly k: Kysely<TenantTables>;

  constructor(db: Db, private readonly box: SecretBox) {
    this.k = db.kysely.withTables<TenantTables>();
  }

  /** Validates and fills defaults for a tenant given as loose input (CLI, API). */
  static normalize(input: Record<string, unknown>): Tenant {
    const parsed = tenantSchema.safeParse({ apiKeys: [], ...input });
    if (!parsed.success) {
      const msg = parsed.error.issues.map((i) => `${i.path.join('.') || 'tenant'}: ${i.message}`).join('; ');
      throw new TenantError(msg);
    }
    const { apiKeys: _k, ...tenant } = parsed.data;
    return tenant;
  }

  async upsertTenant(tenant: DeepReadonly<Tenant>, source: Source): Promise<void> {
    const { settings, secrets } = splitSecrets(tenant);
    const now = nowIso();
    const row = {
      name: tenant.name,
      settings: JSON.stringify(settings),
      secrets_enc: this.box.encrypt(JSON.stringify(secrets)),
      source,
      updated_at: now,
    };
    await this.k
      .insertInto('tenants')
      .values({ org_id: normalizeOrgId(tenant.orgId), created_at: now, ...row })
      .onConflict((oc) => oc.column('org_id').doUpdateSet(row))
      .execute();
  }

  async addTenant(tenant: Tenant, source: Source): Promise<void> {
    if (await this.getTenant(tenant.orgId)) throw new TenantError(`tenant ${tenant.orgId} already exists`);
    await this.upsertTenant(tenant, source);
  }

  async getTenant(orgId: string): Promise<Tenant | undefined> {
    const row = await this.k.selectFrom('tenants').selectAll().where('org_id', '=', normalizeOrgId(orgId)).executeTakeFirst();
    return row ? this.fromRow(row) : undefined;
  }

  /** Who wrote the tenant: `cli`, `api`, or a config file's origin. */
  async sourceOf(orgId: string): Promise<Source | undefined> {
    const row = await this.k.selectFrom('tenants').select('source').where('org_id', '=', normalizeOrgId(orgId)).executeTakeFirst();
    return row?.source as Source | undefined;
  }

  /** Every tenant, in one query (the cache re-reads this every few seconds). */
  async listTenants(): Promise<(Tenant & { source: string; createdAt: string })[]> {
    const rows = await this.k.selectFrom('tenants').selectAll().orderBy('name').execute();
    return rows.map((r) => ({ ...this.fromRow(r), source: r.source, createdAt: r.created_at }));
  }

  private fromRow(row: { org_id: string; name: string; settings: string; secrets_enc: string | null }): Tenant {
    const secrets = row.secrets_enc ? JSON.parse(this.box.decrypt(row.secrets_enc)) : {};
    return joinSecrets(normalizeOrgId(row.org_id), row.name, JSON.parse(row.settings), secrets);
  }

  async removeTenant(orgId: string): Promise<boolean> {
    const res = await this.k.deleteFrom('tenants').where('org_id', '=', normalizeOrgId(orgId)).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async addApiKey(k: NewApiKey, source: Source): Promise<void> {
    if (!(await this.getTenant(k.orgId))) throw new TenantError(`unknown tenant ${k.orgId}: add it first`);
    const secret = checkSecret(k);
    const exists = await this.k.selectFrom('api_keys').select('org_id').where('api_key', '=', k.apiKey).executeTakeFirst();
    if (exists) throw new TenantError(`API key already exists (tenant ${exists.org_id})`);
    await this.k
      .insertInto('api_keys')
      .values({
        api_key: k.apiKey,
        org_id: normalizeOrgId(k.orgId),
        secret_enc: secret ? this.box.encrypt(secret) : null,
        label: k.label ?? null,
        source,
        created_at: nowIso(),
      })
      .execute();
  }

  async removeApiKey(apiKey: string): Promise<boolean> {
    const res = await this.k.deleteFrom('api_keys').where('api_key', '=', apiKey).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async listApiKeys(orgId?: string): Promise<ApiKeyInfo[]> {
    let q = this.k.selectFrom('api_keys').selectAll().orderBy('created_at');
    if (orgId) q = q.where('org_id', '=', normalizeOrgId(orgId));
    const rows = await q.execute();
    return rows.map((r) => ({
      apiKey: r.api_key,
      orgId: normalizeOrgId(r.org_id),
      hasSecret: r.secret_enc !== null,
      label: r.label,
      source: r.source,
      createdAt: r.created_at,
    }));
  }

  /** Every key with its decoded secret, for the AudioHook endpoint's in-memory cache. */
  async loadCredentials(): Promise<Credential[]> {
    const rows = await this.k.selectFrom('api_keys').select(['api_key', 'org_id', 'secret_enc']).execute();
    const out: Credential[] = [];
    for (const r of rows) {
      const secret = r.secret_enc ? Buffer.from(this.box.decrypt(r.secret_enc), 'base64') : Buffer.alloc(0);
      // Stored before secrets had a minimum: an empty buffer would accept unsigned requests. Fail closed.
      if (r.secret_enc && secret.length < MIN_SECRET_BYTES) continue;
      out.push({ apiKey: r.api_key, orgId: normalizeOrgId(r.org_id), secret });
    }
    return out;
  }

  /**
   * Makes the database match the tenants declared in one config file. Entries
   * added with the CLI are left alone; entries this same `origin` wrote before
   * and the file no longer declares are deleted. Another file's entries are
   * never deleted (a second deployment sharing the database keeps its own).
   */
  async applyConfig(tenants: readonly DeepReadonly<TenantConfig>[], origin: ConfigOrigin = CONFIG_ORIGIN): Promise<void> {
    const declared = new Set(tenants.map((t) => normalizeOrgId(t.orgId)));
    const declaredKeys = new Set(tenants.flatMap((t) => t.apiKeys.map((k) => k.key)));
    for (const t of tenants) {
      const { apiKeys, ...tenant } = t;
      await this.upsertTenant(tenant, origin);
      for (const k of apiKeys) {
        await this.k.deleteFrom('api_keys').where('api_key', '=', k.key).execute();
        await this.addApiKey({ orgId: t.orgId, apiKey: k.key, secret: k.secret, unsigned: k.unsigned, label: k.label }, origin);
      }
    }
    const stale = await this.k.selectFrom('api_keys').select('api_key').where('source', '=', origin).execute();
    for (const s of stale) if (!declaredKeys.has(s.api_key)) await this.removeApiKey(s.api_key);
    const staleTenants = await this.k.selectFrom('tenants').select('org_id').where('source', '=', origin).execute();
    for (const s of staleTenants) if (!declared.has(normalizeOrgId(s.org_id))) await this.removeTenant(s.org_id);
  }
}

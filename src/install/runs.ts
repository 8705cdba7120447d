/**
 * Install runs: one per Genesys org (a second login resumes it). The state says which steps are
 * done and holds the ids of everything the run created, in Genesys and in Hookline, so a step
 * re-run creates nothing twice and uninstall removes exactly those. Secrets (the admin's token,
 * the OAuth client's secret, the AudioHook key and secret) are kept encrypted, like every tenant secret.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../platform/crypto/index.js';
import type { Db } from '../platform/db/index.js';
import type { InstallRunsTable, InstallTables } from './tables.js';

/** What was created, by kind: exactly what uninstall removes. */
export interface Created {
  roleId?: string;
  clientId?: string;
  groupId?: string;
  credentialId?: string;
  integrationId?: string;
  /** The Hookline tenant was created by this run (else it existed, and only the run's key and Genesys settings go). */
  tenantCreated?: boolean;
  apiKeyHint?: string;
}

export interface RunState {
  adminUserId: string;
  adminName: string;
  orgName: string;
  steps: string[];
  created: Created;
  /** The integration's reported state after activation (ACTIVE once the probe passed). */
  integrationState?: string;
  uninstalledAt?: string;
}

export interface RunSecrets {
  genesysToken?: string;
  genesysTokenExpiresAt?: number;
  clientSecret?: string;
  apiKey?: string;
  apiSecret?: string;
}

export interface Run {
  id: string;
  orgId: string;
  credentialId: string | null;
  tenantName: string | null;
  state: RunState;
  secrets: RunSecrets;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export class RunStore {
  private readonly k: Kysely<InstallTables>;
  constructor(
    db: Db,
    private readonly box: SecretBox,
  ) {
    this.k = db.kysely.withTables<InstallTables>();
  }

  /** The org's run with a new cookie secret (a login starts or resumes it); returns the cookie value `{id}.{secret}`. */
  async open(orgId: string, state: Pick<RunState, 'adminUserId' | 'adminName' | 'orgName'>, secrets: RunSecrets): Promise<{ run: Run; cookie: string }> {
    const secret = randomBytes(32).toString('base64url');
    const now = new Date().toISOString();
    const existing = await this.k.selectFrom('install_runs').selectAll().where('org_id', '=', orgId).executeTakeFirst();
    if (existing) {
      const run = this.fromRow(existing);
      run.state = { ...run.state, ...state };
      delete run.state.uninstalledAt;
      run.secrets = { ...run.secrets, ...secrets };
      await this.k.updateTable('install_runs').set({ secret_hash: sha256(secret), updated_at: now }).where('id', '=', run.id).execute();
      await this.save(run);
      return { run, cookie: `${run.id}.${secret}` };
    }
    const run: Run = { id: randomUUID(), orgId, credentialId: null, tenantName: null, state: { ...state, steps: [], created: {} }, secrets };
    await this.k
      .insertInto('install_runs')
      .values({ id: run.id, secret_hash: sha256(secret), org_id: orgId, credential_id: null, tenant_name: null, state: JSON.stringify(run.state), secrets_enc: this.box.encrypt(JSON.stringify(secrets)), created_at: now, updated_at: now })
      .execute();
    return { run, cookie: `${run.id}.${secret}` };
  }

  /** The run a cookie value names, when its secret matches. */
  async byCookie(cookie: string): Promise<Run | undefined> {
    const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(cookie);
    if (!m) return undefined;
    const row = await this.k.selectFrom('install_runs').selectAll().where('id', '=', m[1] as string).executeTakeFirst();
    if (!row) return undefined;
    const a = Buffer.from(row.secret_hash);
    const b = Buffer.from(sha256(m[2] as string));
    return a.length === b.length && timingSafeEqual(a, b) ? this.fromRow(row) : undefined;
  }

  async byOrg(orgId: string): Promise<Run | undefined> {
    const row = await this.k.selectFrom('install_runs').selectAll().where('org_id', '=', orgId).executeTakeFirst();
    return row ? this.fromRow(row) : undefined;
  }

  async save(run: Run): Promise<void> {
    await this.k
      .updateTable('install_runs')
      .set({ credential_id: run.credentialId, tenant_name: run.tenantName, state: JSON.stringify(run.state), secrets_enc: this.box.encrypt(JSON.stringify(run.secrets)), updated_at: new Date().toISOString() })
      .where('id', '=', run.id)
      .execute();
  }

  private fromRow(r: InstallRunsTable): Run {
    return { id: r.id, orgId: r.org_id, credentialId: r.credential_id, tenantName: r.tenant_name, state: JSON.parse(r.state) as RunState, secrets: JSON.parse(this.box.decrypt(r.secrets_enc)) as RunSecrets };
  }
}

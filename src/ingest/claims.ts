/**
 * Per-conversation import claims: at most one consumer imports a conversation
 * at a time, across replicas, and the analysis hand-off happens at most once.
 *
 * A consumer claims (tenant, conversation) with a fresh owner id and a lease
 * by one insert-or-conditional-update (`INSERT … ON CONFLICT DO UPDATE … WHERE
 * lease_until <= now`): SQLite serialises writers, and PostgreSQL re-checks
 * the WHERE on the row's newest version after waiting for the other writer,
 * so exactly one of two racing claimers gets the row back. The holder renews
 * the lease while it works; a crashed holder's lease runs out and the next
 * claimer takes over. Just before publishing the hand-off the holder fences
 * itself (renews only if it still owns a live lease) and records the version
 * it hands off; once the publish is confirmed it records that too, so a
 * consumer that died between the hand-off and marking the conversation
 * imported is followed by one that marks it imported without handing off again.
 *
 * Lease times come from this process's clock: replicas' clocks must agree to
 * well within a lease (NTP does).
 */
import type { Kysely, UpdateObject } from 'kysely';
import type { Db } from '../platform/db/index.js';
import type { IngestTables } from './tables.js';

/** A hand-off that was confirmed before its consumer could mark the conversation imported. */
export interface ConfirmedHandOff {
  version: string;
  recordings: number;
  importedAt: string;
}

export type ClaimResult =
  | {
      won: true;
      /** The last hand-off's confirmation, when one was recorded. */
      handedOff?: ConfirmedHandOff | undefined;
      /** A hand-off began under an earlier claim and was never confirmed (its consumer died during the publish). */
      unconfirmedVersion?: string | undefined;
    }
  | { won: false; leaseUntil: number };

export interface ImportClaimsOptions {
  leaseMs: number;
  now?: () => number;
}

export class ImportClaims {
  readonly leaseMs: number;
  readonly now: () => number;

  constructor(
    private readonly db: Db,
    options: ImportClaimsOptions,
  ) {
    this.leaseMs = options.leaseMs;
    this.now = options.now ?? Date.now;
  }

  private get k(): Kysely<IngestTables> {
    return this.db.kysely.withTables<IngestTables>();
  }

  /** Claims the conversation for `owner` unless another owner's lease is live. */
  async acquire(tenantId: string, conversationId: string, owner: string): Promise<ClaimResult> {
    const now = this.now();
    const lease = { owner, lease_until: now + this.leaseMs, claimed_at: now };
    const row = await this.k
      .insertInto('ingest_import_claims')
      .values({ tenant_id: tenantId, conversation_id: conversationId, ...lease, handoff_version: null, handed_off_at: null, recordings: null, imported_at: null })
      .onConflict((oc) => oc.columns(['tenant_id', 'conversation_id']).doUpdateSet(lease).where('ingest_import_claims.lease_until', '<=', now))
      .returning(['handoff_version', 'handed_off_at', 'recordings', 'imported_at'])
      .executeTakeFirst();
    if (!row) return { won: false, leaseUntil: await this.leaseUntil(tenantId, conversationId) };
    if (row.handoff_version === null) return { won: true };
    if (row.handed_off_at === null) return { won: true, unconfirmedVersion: row.handoff_version };
    return { won: true, handedOff: { version: row.handoff_version, recordings: row.recordings ?? 0, importedAt: row.imported_at ?? new Date(Number(row.handed_off_at)).toISOString() } };
  }

  /** Extends `owner`'s lease; false when it is no longer theirs (expired and taken over, or released). */
  async renew(tenantId: string, conversationId: string, owner: string): Promise<boolean> {
    const now = this.now();
    return this.updateLive(tenantId, conversationId, owner, now, { lease_until: now + this.leaseMs });
  }

  /**
   * The fence before the hand-off: records `version` as being handed off and
   * renews the lease, only while `owner` still holds a live claim. False: the
   * lease ran out and another consumer may be importing; do not publish.
   */
  async beginHandOff(tenantId: string, conversationId: string, owner: string, version: string): Promise<boolean> {
    const now = this.now();
    return this.updateLive(tenantId, conversationId, owner, now, { lease_until: now + this.leaseMs, handoff_version: version, handed_off_at: null, recordings: null, imported_at: null });
  }

  /** The publish of `version` was confirmed. Recorded whoever holds the claim now: the message is out. */
  async confirmHandOff(tenantId: string, conversationId: string, done: ConfirmedHandOff): Promise<void> {
    await this.k
      .updateTable('ingest_import_claims')
      .set({ handed_off_at: this.now(), recordings: done.recordings, imported_at: done.importedAt })
      .where('tenant_id', '=', tenantId)
      .where('conversation_id', '=', conversationId)
      .where('handoff_version', '=', done.version)
      .execute();
  }

  /** Lets the next claimer in at once. The row stays: it records the last hand-off. */
  async release(tenantId: string, conversationId: string, owner: string): Promise<void> {
    await this.k
      .updateTable('ingest_import_claims')
      .set({ owner: null, lease_until: 0 })
      .where('tenant_id', '=', tenantId)
      .where('conversation_id', '=', conversationId)
      .where('owner', '=', owner)
      .execute();
  }

  private async leaseUntil(tenantId: string, conversationId: string): Promise<number> {
    const row = await this.k.selectFrom('ingest_import_claims').select('lease_until').where('tenant_id', '=', tenantId).where('conversation_id', '=', conversationId).executeTakeFirst();
    return row ? Number(row.lease_until) : 0;
  }

  /** Changes the row only while `owner` holds a live lease on it. */
  private async updateLive(tenantId: string, conversationId: string, owner: string, now: number, set: UpdateObject<IngestTables, 'ingest_import_claims'>): Promise<boolean> {
    const r = await this.k
      .updateTable('ingest_import_claims')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('conversation_id', '=', conversationId)
      .where('owner', '=', owner)
      .where('lease_until', '>', now)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }
}

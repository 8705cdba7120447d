/**
 * The SQL of the table queue: every statement on `queue_jobs`, the same on
 * SQLite and PostgreSQL. A job is live (dead_at null) or a dead letter; a live
 * job is claimable once run_at has come and no unexpired lease holds it.
 *
 * A claim is identified by (id, locked_by, attempts): the attempts counter
 * doubles as a fencing token, so a consumer whose lease expired and whose job
 * was claimed again cannot ack, retry or bury the newer claim.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../db/index.js';
import type { QueueStats } from './queue.js';
import type { QueueTables } from './tables.js';

export interface JobRow {
  id: string;
  key: string | null;
  payload: string;
  attempts: number;
  last_error: string | null;
  dead_at: number | null;
}

export interface Claim {
  id: string;
  owner: string;
  attempts: number;
}

export interface NewJob {
  /** Given by the producer: a second insert of the same id is ignored. */
  id: string | undefined;
  queue: string;
  payload: string;
  key: string | undefined;
  runAt: number;
}

/** pg returns bigint and count(*) as strings. */
function toNumber(value: number | string | bigint | null): number | null {
  return value === null ? null : Number(value);
}

export class JobTable {
  private readonly kysely: Kysely<QueueTables>;

  constructor(private readonly db: Db) {
    this.kysely = db.kysely.withTables<QueueTables>();
  }

  async insert(job: NewJob, now: number): Promise<void> {
    await this.kysely
      .insertInto('queue_jobs')
      .values({ id: job.id ?? randomUUID(), queue: job.queue, key: job.key ?? null, payload: job.payload, attempts: 0, run_at: job.runAt, created_at: now })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  /** Leases up to `limit` claimable jobs to `owner` and counts the delivery. */
  async claim(queue: string, owner: string, limit: number, leaseMs: number, now: number): Promise<JobRow[]> {
    let claimable = this.kysely
      .selectFrom('queue_jobs')
      .select('id')
      .where('queue', '=', queue)
      .where('dead_at', 'is', null)
      .where('run_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .orderBy('run_at')
      .limit(limit);
    // SQLite serialises writers, so its UPDATE cannot race; PostgreSQL needs
    // the row locks, and SKIP LOCKED lets concurrent claimers take other jobs.
    if (this.db.dialect === 'postgres') claimable = claimable.forUpdate().skipLocked();
    const rows = await this.kysely
      .updateTable('queue_jobs')
      .set((eb) => ({ locked_by: owner, locked_until: now + leaseMs, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', claimable)
      .returning(['id', 'key', 'payload', 'attempts', 'last_error', 'dead_at'])
      .execute();
    return rows.map((r) => ({ ...r, attempts: Number(r.attempts), dead_at: toNumber(r.dead_at) }));
  }

  /** Extends the leases of `ids` still held by `owner`. */
  async renew(owner: string, ids: string[], leaseMs: number, now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.kysely
      .updateTable('queue_jobs')
      .set({ locked_until: now + leaseMs })
      .where('locked_by', '=', owner)
      .where('id', 'in', ids)
      .execute();
  }

  /** Done: the job leaves the table. False when the claim was lost meanwhile. */
  async ack(claim: Claim): Promise<boolean> {
    const result = await this.kysely.deleteFrom('queue_jobs').where('id', '=', claim.id).where('locked_by', '=', claim.owner).where('attempts', '=', claim.attempts).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async retry(claim: Claim, runAt: number, reason: string): Promise<boolean> {
    return this.release(claim, { run_at: runAt, last_error: reason });
  }

  async bury(claim: Claim, reason: string, now: number): Promise<boolean> {
    return this.release(claim, { dead_at: now, last_error: reason });
  }

  private async release(claim: Claim, changes: { run_at?: number; dead_at?: number; last_error: string }): Promise<boolean> {
    const result = await this.kysely
      .updateTable('queue_jobs')
      .set({ ...changes, locked_by: null, locked_until: null })
      .where('id', '=', claim.id)
      .where('locked_by', '=', claim.owner)
      .where('attempts', '=', claim.attempts)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async deadLetters(queue: string, limit: number): Promise<JobRow[]> {
    const rows = await this.kysely
      .selectFrom('queue_jobs')
      .select(['id', 'key', 'payload', 'attempts', 'last_error', 'dead_at'])
      .where('queue', '=', queue)
      .where('dead_at', 'is not', null)
      .orderBy('dead_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...r, attempts: Number(r.attempts), dead_at: toNumber(r.dead_at) }));
  }

  /** Dead letters become live again with no attempts; `ids` undefined = all of the queue's. */
  async revive(queue: string, ids: string[] | undefined, now: number): Promise<number> {
    if (ids?.length === 0) return 0;
    let update = this.kysely
      .updateTable('queue_jobs')
      .set({ dead_at: null, attempts: 0, run_at: now, locked_by: null, locked_until: null })
      .where('queue', '=', queue)
      .where('dead_at', 'is not', null);
    if (ids) update = update.where('id', 'in', ids);
    const result = await update.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async stats(queue: string, now: number): Promise<QueueStats> {
    const row = await this.kysely
      .selectFrom('queue_jobs')
      .select((eb) => [
        eb.fn.countAll().filterWhere('dead_at', 'is', null).filterWhere('run_at', '<=', now).filterWhere((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<=', now)])).as('ready'),
        eb.fn.countAll().filterWhere('dead_at', 'is', null).filterWhere('locked_until', '>', now).as('in_flight'),
        eb.fn.countAll().filterWhere('dead_at', 'is not', null).as('dead'),
      ])
      .where('queue', '=', queue)
      .executeTakeFirstOrThrow();
    return { ready: Number(row.ready), inFlight: Number(row.in_flight), dead: Number(row.dead) };
  }
}

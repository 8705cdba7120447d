/**
 * Durable live model and event outbox. Applying an observation reads the
 * conversation's state, derives, and writes the next state and its events in
 * one transaction guarded by the state's revision (compare-and-set). A writer
 * that lost the race re-reads and derives again from the winner's state, where
 * the same change is already recorded and yields no event: one writer per
 * conversation at a time across replicas, and exactly one event per change even
 * when a new leader re-applies snapshots its predecessor already applied.
 */
import type { Kysely } from 'kysely';
import type { Db } from '../../platform/db/index.js';
import type { ConversationTables } from '../tables.js';
import { derive } from './derive.js';
import type { CommonEvent } from './events.js';
import { observedConversation, type Observation } from './observation.js';
import type { LiveState } from './state.js';

export class LiveConflictError extends Error {
  override name = 'LiveConflictError';
}

/** A change about to be committed: what the deriver made of an observation. */
export interface LiveChange {
  tenant: string;
  conversationId: string;
  source: Observation['kind'];
  previous: LiveState | undefined;
  state: LiveState;
  events: CommonEvent[];
}

/** Whether the change commits, and what (the state and events, possibly enriched). */
export type LiveVerdict = { commit: false } | { commit: true; state: LiveState; events: CommonEvent[] };

export interface LiveStoreOptions {
  now?: () => number;
  /** Attempts before giving up when other writers keep winning the same conversation. */
  maxAttempts?: number;
  /**
   * Called after a transaction that recorded events has committed, with those
   * events in sequence order (delivery wakes up, after-commit work starts).
   * Must return at once and not throw: the writer does not wait for it.
   */
  onCommit?: (events: readonly CommonEvent[]) => void;
  /**
   * Between derive and write (in-process plugins): may veto the change (nothing
   * is written; the next observation derives it again) or return it enriched.
   * The writer waits for it, so it must bound its own time.
   */
  beforeCommit?: (change: LiveChange) => Promise<LiveVerdict>;
}

interface Row {
  revision: number;
  state: LiveState;
}

export class LiveStore {
  private readonly k: Kysely<ConversationTables>;
  private readonly now: () => number;
  private readonly maxAttempts: number;
  private readonly onCommit: ((events: readonly CommonEvent[]) => void) | undefined;
  private readonly beforeCommit: ((change: LiveChange) => Promise<LiveVerdict>) | undefined;

  constructor(db: Db, o: LiveStoreOptions = {}) {
    this.k = db.kysely.withTables<ConversationTables>();
    this.now = o.now ?? Date.now;
    this.maxAttempts = o.maxAttempts ?? 8;
    this.onCommit = o.onCommit;
    this.beforeCommit = o.beforeCommit;
  }

  /** Applies one observation; returns the events this call recorded (none when another writer already had). */
  async apply(tenant: string, obs: Observation): Promise<CommonEvent[]> {
    const conversationId = observedConversation(obs);
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      const row = await this.read(tenant, conversationId);
      const next = derive(row?.state, obs, { tenant, now: this.now });
      if (next.events.length === 0 && JSON.stringify(next.state) === JSON.stringify(row?.state ?? next.state)) return [];
      const verdict = this.beforeCommit ? await this.beforeCommit({ tenant, conversationId, source: obs.kind, previous: row?.state, ...next }) : { commit: true as const, ...next };
      if (!verdict.commit) return [];
      if (await this.write(row, verdict.state, verdict.events)) {
        if (verdict.events.length > 0) this.onCommit?.(verdict.events);
        return verdict.events;
      }
    }
    throw new LiveConflictError(`conversation ${conversationId}: still contended after ${this.maxAttempts} attempts`);
  }

  async get(tenant: string, conversationId: string): Promise<LiveState | undefined> {
    return (await this.read(tenant, conversationId))?.state;
  }

  /** The outbox of one conversation, in sequence order (for delivery, the read API and tests). */
  async events(tenant: string, conversationId: string, afterSeq = 0): Promise<CommonEvent[]> {
    const rows = await this.k
      .selectFrom('conversation_events')
      .select('payload')
      .where('tenant_id', '=', tenant)
      .where('conversation_id', '=', conversationId)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .execute();
    return rows.map((r) => JSON.parse(r.payload) as CommonEvent);
  }

  private async read(tenant: string, conversationId: string): Promise<Row | undefined> {
    const r = await this.k.selectFrom('conversation_live').select(['revision', 'state']).where('tenant_id', '=', tenant).where('conversation_id', '=', conversationId).executeTakeFirst();
    return r && { revision: r.revision, state: JSON.parse(r.state) as LiveState };
  }

  /** False when another writer changed the conversation since `prev` was read. */
  private async write(prev: Row | undefined, state: LiveState, events: CommonEvent[]): Promise<boolean> {
    const at = new Date(this.now()).toISOString();
    const values = { seq: state.seq, state: JSON.stringify(state), ended_at: state.endedAt ?? null, updated_at: at };
    return this.k.transaction().execute(async (trx) => {
      const key = { tenant_id: state.tenant, conversation_id: state.conversationId };
      const won = prev
        ? await trx.updateTable('conversation_live').set({ ...values, revision: prev.revision + 1 }).where('tenant_id', '=', key.tenant_id).where('conversation_id', '=', key.conversation_id).where('revision', '=', prev.revision).executeTakeFirst()
        : await trx.insertInto('conversation_live').values({ ...key, ...values, revision: 1 }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      const changed = 'numUpdatedRows' in won ? won.numUpdatedRows : (won.numInsertedOrUpdatedRows ?? 0n);
      if (changed === 0n) return false;
      if (events.length > 0) {
        await trx
          .insertInto('conversation_events')
          .values(events.map((e) => ({ ...key, seq: e.seq, type: e.type, occurred_at: e.occurredAt, payload: JSON.stringify(e), recorded_at: at })))
          .execute();
      }
      return true;
    });
  }
}

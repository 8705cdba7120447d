/**
 * Delivery state in the database: which conversation streams have work, the
 * lease that lets one replica send a stream at a time, and the delivery log.
 * Every stream write after a claim is conditioned on the lease still being
 * ours, so a replica that lost its lease (it stalled past `leased_until`)
 * changes nothing.
 */
import { sql, type Kysely } from 'kysely';
import type { ConversationTables } from '../conversations/index.js';
import type { Db } from '../platform/db/index.js';
import type { DeliveryStatus, WebhookDeliveriesTable, WebhookTables } from './tables.js';

type Tables = WebhookTables & Pick<ConversationTables, 'conversation_events'>;

export interface StreamKey {
  tenant: string;
  endpoint: string;
  conversationId: string;
}

/** The next event a stream has to send, with its log row when it was attempted before. */
export interface Head {
  seq: number;
  type: string;
  payload: string;
  recordedAt: string;
  /** An event before `next_seq` queued again by `redeliver`: sending it does not move the stream. */
  redelivery: boolean;
  attempts: number;
  firstAttemptAt: string | null;
}

export interface Attempt {
  seq: number;
  type: string;
  status: DeliveryStatus;
  attempts: number;
  statusCode: number | null;
  error: string | null;
  firstAttemptAt: string;
  at: string;
}

export interface DeliveryFilter {
  tenant: string;
  endpoint?: string | undefined;
  conversationId?: string | undefined;
  seq?: number | undefined;
  status?: DeliveryStatus | undefined;
  /** Last attempt at or after this ISO time. */
  since?: string | undefined;
}

/** Where a page of the log ended, in its order (last attempt newest first, then conversation, seq, endpoint). */
export interface DeliveryPosition {
  lastAttemptAt: string;
  conversationId: string;
  seq: number;
  endpoint: string;
}

export const MAX_ERROR_CHARS = 500;

export class DeliveryStore {
  private readonly k: Kysely<Tables>;

  constructor(db: Db) {
    this.k = db.kysely.withTables<Tables>();
  }

  /**
   * Makes work due for one endpoint: a stream for each conversation with
   * events recorded since `horizon` and none yet, and idle streams that have
   * events at or past their `next_seq` due now.
   */
  async discover(tenant: string, endpoint: string, horizon: string, now: string): Promise<void> {
    await this.k
      .insertInto('webhook_streams')
      .columns(['tenant_id', 'endpoint', 'conversation_id', 'next_seq', 'next_attempt_at', 'updated_at'])
      .expression(
        this.k
          .selectFrom('conversation_events as e')
          .select((eb) => [sql<string>`${tenant}`.as('tenant_id'), sql<string>`${endpoint}`.as('endpoint'), 'e.conversation_id', eb.fn.min<number>('e.seq').as('next_seq'), sql<string>`${now}`.as('next_attempt_at'), sql<string>`${now}`.as('updated_at')])
          .where('e.tenant_id', '=', tenant)
          .where('e.recorded_at', '>=', horizon)
          .where(({ not, exists, selectFrom }) =>
            not(exists(selectFrom('webhook_streams as s').select(sql`1`.as('one')).where('s.tenant_id', '=', tenant).where('s.endpoint', '=', endpoint).whereRef('s.conversation_id', '=', 'e.conversation_id'))),
          )
          .groupBy('e.conversation_id'),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
    await this.k
      .updateTable('webhook_streams')
      .set({ next_attempt_at: now, updated_at: now })
      .where('tenant_id', '=', tenant)
      .where('endpoint', '=', endpoint)
      .where('next_attempt_at', 'is', null)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('conversation_events as e')
            .select(sql`1`.as('one'))
            .where('e.tenant_id', '=', tenant)
            .where('e.recorded_at', '>=', horizon)
            .whereRef('e.conversation_id', '=', 'webhook_streams.conversation_id')
            .whereRef('e.seq', '>=', 'webhook_streams.next_seq'),
        ),
      )
      .execute();
  }

  /** Streams with work due and no live lease, earliest first. */
  async due(now: string, limit: number): Promise<StreamKey[]> {
    const rows = await this.k
      .selectFrom('webhook_streams')
      .select(['tenant_id', 'endpoint', 'conversation_id'])
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ tenant: r.tenant_id, endpoint: r.endpoint, conversationId: r.conversation_id }));
  }

  /** Takes the stream's lease if it is due and free: one conditional UPDATE, so two replicas never both win. */
  async claim(key: StreamKey, me: string, now: string, until: string): Promise<boolean> {
    const r = await this.byKey(this.k.updateTable('webhook_streams').set({ leased_by: me, leased_until: until }), key)
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<', now)]))
      .executeTakeFirst();
    return r.numUpdatedRows === 1n;
  }

  /** Extends our lease; false when it is no longer ours. */
  async renew(key: StreamKey, me: string, until: string): Promise<boolean> {
    const r = await this.byKey(this.k.updateTable('webhook_streams').set({ leased_until: until }), key).where('leased_by', '=', me).executeTakeFirst();
    return r.numUpdatedRows === 1n;
  }

  async head(key: StreamKey): Promise<Head | undefined> {
    const stream = await this.byKey(this.k.selectFrom('webhook_streams').select('next_seq'), key).executeTakeFirst();
    if (!stream) return undefined;
    const again = await this.byKey(this.k.selectFrom('webhook_deliveries').select('seq'), key).where('status', '=', 'pending').where('seq', '<', stream.next_seq).orderBy('seq').limit(1).executeTakeFirst();
    const event = await this.k
      .selectFrom('conversation_events')
      .select(['seq', 'type', 'payload', 'recorded_at'])
      .where('tenant_id', '=', key.tenant)
      .where('conversation_id', '=', key.conversationId)
      .where('seq', again ? '=' : '>=', again ? again.seq : stream.next_seq)
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
    if (!event) return undefined;
    const log = await this.byKey(this.k.selectFrom('webhook_deliveries').select(['attempts', 'first_attempt_at']), key).where('seq', '=', event.seq).executeTakeFirst();
    return { seq: event.seq, type: event.type, payload: event.payload, recordedAt: event.recorded_at, redelivery: again !== undefined, attempts: log?.attempts ?? 0, firstAttemptAt: log?.first_attempt_at ?? null };
  }

  async record(key: StreamKey, a: Attempt): Promise<void> {
    const values = {
      status: a.status,
      attempts: a.attempts,
      last_status_code: a.statusCode,
      last_error: a.error === null ? null : a.error.slice(0, MAX_ERROR_CHARS),
      first_attempt_at: a.firstAttemptAt,
      last_attempt_at: a.at,
      delivered_at: a.status === 'delivered' ? a.at : null,
    };
    await this.k
      .insertInto('webhook_deliveries')
      .values({ tenant_id: key.tenant, endpoint: key.endpoint, conversation_id: key.conversationId, seq: a.seq, event_type: a.type, ...values })
      .onConflict((oc) => oc.columns(['tenant_id', 'endpoint', 'conversation_id', 'seq']).doUpdateSet(values))
      .execute();
  }

  /** Moves the stream on (to `nextSeq`) or keeps it (null), due at `dueAt`, keeping the lease; false when the lease is lost. */
  async advance(key: StreamKey, me: string, nextSeq: number | null, dueAt: string, now: string): Promise<boolean> {
    const set = nextSeq === null ? { next_attempt_at: dueAt, updated_at: now } : { next_seq: nextSeq, next_attempt_at: dueAt, updated_at: now };
    const r = await this.byKey(this.k.updateTable('webhook_streams').set(set), key).where('leased_by', '=', me).executeTakeFirst();
    return r.numUpdatedRows === 1n;
  }

  /**
   * Gives the lease back; the stream is due at `dueAt`, or idle when null.
   * `recheck`: an idle stream with events left (committed while we looked) is
   * due again at once; off for an endpoint that is gone or disabled, whose
   * streams wait idle until a sweep finds it enabled again.
   */
  async release(key: StreamKey, me: string, dueAt: string | null, now: string, recheck = true): Promise<void> {
    await this.byKey(this.k.updateTable('webhook_streams').set({ leased_by: null, leased_until: null, next_attempt_at: dueAt, updated_at: now }), key).where('leased_by', '=', me).execute();
    if (dueAt !== null || !recheck) return;
    // An event committed while we looked: due again now rather than at the next sweep.
    await this.byKey(this.k.updateTable('webhook_streams').set({ next_attempt_at: now }), key)
      .where('next_attempt_at', 'is', null)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('conversation_events as e')
            .select(sql`1`.as('one'))
            .where('e.tenant_id', '=', key.tenant)
            .where('e.conversation_id', '=', key.conversationId)
            .whereRef('e.seq', '>=', 'webhook_streams.next_seq'),
        ),
      )
      .execute();
  }

  /** Newest attempt first (every logged row has one: `record` sets it); `after` continues from a page's last row. */
  async list(f: DeliveryFilter, limit: number, after?: DeliveryPosition): Promise<WebhookDeliveriesTable[]> {
    let q = this.filtered(this.k.selectFrom('webhook_deliveries').selectAll(), f);
    if (after) {
      const { lastAttemptAt: at, conversationId: c, seq, endpoint: e } = after;
      q = q.where((eb) =>
        eb.or([
          eb('last_attempt_at', '<', at),
          eb.and([eb('last_attempt_at', '=', at), eb.or([eb('conversation_id', '>', c), eb.and([eb('conversation_id', '=', c), eb.or([eb('seq', '>', seq), eb.and([eb('seq', '=', seq), eb('endpoint', '>', e)])])])])]),
        ]),
      );
    }
    return q.orderBy('last_attempt_at', 'desc').orderBy('conversation_id').orderBy('seq').orderBy('endpoint').limit(limit).execute();
  }

  /**
   * Queues logged deliveries again (delivered or failed alike): their rows go
   * back to pending with a fresh retry window, and their streams are due now.
   * Returns how many events were queued.
   */
  async redeliver(f: DeliveryFilter, now: string): Promise<number> {
    return this.k.transaction().execute(async (trx) => {
      const k = trx as unknown as Kysely<Tables>;
      const rows = await this.filtered(k.selectFrom('webhook_deliveries').select(['endpoint', 'conversation_id', 'seq']), f).execute();
      for (const r of rows) {
        const key = { tenant: f.tenant, endpoint: r.endpoint, conversationId: r.conversation_id };
        await this.byKey(k.updateTable('webhook_deliveries').set({ status: 'pending', attempts: 0, first_attempt_at: null, last_error: null }), key).where('seq', '=', r.seq).execute();
        await this.byKey(k.updateTable('webhook_streams').set({ next_attempt_at: now, updated_at: now }), key)
          .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '>', now)]))
          .execute();
      }
      return rows.length;
    });
  }

  private filtered<Q extends { where: (...args: never[]) => unknown }>(q: Q, f: DeliveryFilter): Q {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one filter shared by a select and an update builder
    let b = (q as any).where('tenant_id', '=', f.tenant);
    if (f.endpoint !== undefined) b = b.where('endpoint', '=', f.endpoint);
    if (f.conversationId !== undefined) b = b.where('conversation_id', '=', f.conversationId);
    if (f.seq !== undefined) b = b.where('seq', '=', f.seq);
    if (f.status !== undefined) b = b.where('status', '=', f.status);
    if (f.since !== undefined) b = b.where('last_attempt_at', '>=', f.since);
    return b as Q;
  }

  /** Select, update and delete builders share the key filter. */
  private byKey<Q>(q: Q, key: StreamKey): Q {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return (q as any).where('tenant_id', '=', key.tenant).where('endpoint', '=', key.endpoint).where('conversation_id', '=', key.conversationId) as Q;
  }
}

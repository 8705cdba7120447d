/**
 * What one replica's level meters write to shared state, batched: per tenant,
 * one record holding every call the replica meters (rewritten when a call
 * comes or goes, and every `refreshMs` while readings flow, with a TTL, so a
 * replica that dies leaves nothing "in progress" behind it), and one `meters`
 * message on the tenant's calls channel per `publishMs` with each changed
 * call's latest change.
 *
 * Why batched: a record and a message per call was 4,000 publishes and 500
 * writes a second at 1,000 calls, each a round trip to Redis or, under
 * `server.workers`, to the primary — under workers that cost a replica as
 * much CPU as the audio itself.
 */
import { callsChannel, type BoundedPublisher } from './live-hub.js';
import { METER_TTL_MS, metersKey, type LiveCallMessage, type MeterRecord } from './live-calls.js';

/** Calls per `meters` message: ~130 bytes each, so a message stays near 26 KB however many calls a replica holds. */
export const METERS_PER_MESSAGE = 200;

export interface MeterBoardOptions {
  out: Pick<BoundedPublisher, 'publish' | 'set' | 'delete'>;
  /** This process's replica id: the record's key, so replicas never overwrite each other's. */
  replicaId: string;
  /** How long a change waits to go out with the others of its tenant. */
  publishMs: number;
  /** How often the record is rewritten while nothing but levels change (well inside METER_TTL_MS). */
  refreshMs: number;
  now: () => number;
}

interface TenantBoard {
  channel: string;
  key: string;
  /** The record's calls, by conversation id (lower case): the live objects the sessions update. */
  calls: Map<string, MeterRecord>;
  /** Changes not yet published, by conversation id; a later change merges into a waiting one. */
  changes: Map<string, Partial<MeterRecord>>;
  /** A call came or went, or its destinations changed: the record is rewritten at the next flush. */
  dirty: boolean;
  writtenAt: number;
}

export class MeterBoard {
  private readonly tenants = new Map<string, TenantBoard>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: MeterBoardOptions) {}

  /** A call is metered here from now on; its record is this object, which the caller updates through `change`. */
  open(orgId: string, conversationId: string, record: MeterRecord): void {
    const t = this.tenant(orgId);
    t.calls.set(conversationId, record);
    t.dirty = true;
    this.queue(t, conversationId, { ...record });
  }

  /** The call's record changed (already applied to it): publish `change`; `rewrite` when the record must follow soon. */
  change(orgId: string, conversationId: string, change: Partial<MeterRecord>, rewrite = false): void {
    const t = this.tenants.get(orgId);
    if (!t?.calls.has(conversationId)) return;
    if (rewrite) t.dirty = true;
    this.queue(t, conversationId, change);
  }

  /** The call ended: it leaves the record, and a change still waiting would list it again after its `end`. */
  end(orgId: string, conversationId: string): void {
    const t = this.tenants.get(orgId);
    if (!t?.calls.delete(conversationId)) return;
    t.changes.delete(conversationId);
    t.dirty = true;
    const m: LiveCallMessage = { t: 'end', conversationId };
    this.o.out.publish(t.channel, JSON.stringify(m));
    this.arm();
  }

  /** Writes what is due and publishes every waiting change now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.o.now();
    for (const [orgId, t] of this.tenants) {
      this.write(t, now);
      this.publish(t);
      if (t.calls.size === 0) this.tenants.delete(orgId);
    }
  }

  private write(t: TenantBoard, now: number): void {
    if (t.calls.size === 0) {
      if (t.dirty) this.o.out.delete(t.key);
      return;
    }
    if (!t.dirty && now - t.writtenAt < this.o.refreshMs) return;
    this.o.out.set(t.key, JSON.stringify({ calls: Object.fromEntries(t.calls) }), METER_TTL_MS);
    t.dirty = false;
    t.writtenAt = now;
  }

  private publish(t: TenantBoard): void {
    const items = [...t.changes].map(([conversationId, meter]) => ({ conversationId, meter }));
    t.changes.clear();
    for (let i = 0; i < items.length; i += METERS_PER_MESSAGE) {
      const m: LiveCallMessage = { t: 'meters', items: items.slice(i, i + METERS_PER_MESSAGE) };
      this.o.out.publish(t.channel, JSON.stringify(m));
    }
  }

  private queue(t: TenantBoard, conversationId: string, change: Partial<MeterRecord>): void {
    const waiting = t.changes.get(conversationId);
    if (waiting) Object.assign(waiting, change);
    else t.changes.set(conversationId, { ...change });
    this.arm();
  }

  private arm(): void {
    this.timer ??= setTimeout(() => this.flush(), this.o.publishMs).unref();
  }

  private tenant(orgId: string): TenantBoard {
    let t = this.tenants.get(orgId);
    if (!t) {
      t = { channel: callsChannel(orgId), key: metersKey(orgId, this.o.replicaId), calls: new Map(), changes: new Map(), dirty: false, writtenAt: 0 };
      this.tenants.set(orgId, t);
    }
    return t;
  }
}

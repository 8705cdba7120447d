/**
 * Held sessions, known to every replica: a replica whose gate holds a session
 * records the conversation in shared state (a key per tenant + conversation,
 * with a TTL it refreshes while it holds one) and announces it. The tenant's
 * leader — the current one, or one elected later — reads the set and resolves
 * each conversation from Genesys, so a call whose events were lost (a missed
 * notification, a leaderless hand-over) is still admitted.
 */
import type { Logger } from '../platform/logging/index.js';
import type { SharedState, Unsubscribe } from '../platform/state/index.js';
import { errorMessage } from '../platform/util/error-message.js';

export const HELD_CHANNEL = 'held-conversations';

export interface HeldOptions {
  state: SharedState;
  replicaId: string;
  log: Logger;
  /** How long a record outlives its last refresh (a replica that died stops refreshing). Default 30 s. */
  ttlMs?: number;
  /** How soon an announcement that failed is tried again. Default 2 s. */
  retryMs?: number;
  /**
   * A held conversation could not be announced (shared state down, or a write
   * hanging past a quarter of retryMs): called every half retryMs until it is,
   * so this replica can resolve it on its own meanwhile.
   */
  onUnreachable?: (c: HeldAnnouncement) => void;
}

export interface HeldAnnouncement {
  orgId: string;
  conversationId: string;
}

const DEFAULT_TTL_MS = 30_000;
const prefixOf = (orgId: string) => `held:${orgId.toLowerCase()}:`;
const keyOf = (orgId: string, conversationId: string) => `${prefixOf(orgId)}${conversationId.toLowerCase()}`;

export class HeldConversations {
  /** Conversations this replica holds a session of, by key. */
  private readonly mine = new Map<string, HeldAnnouncement>();
  /** Held conversations whose record or announcement did not get through (shared state down): retried shortly. */
  private readonly unannounced = new Set<string>();
  /** When each announcement still in flight began: one that hangs (Redis queues commands while it reconnects) counts as failed. */
  private readonly inFlight = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly retryMs: number;
  private readonly refresher: NodeJS.Timeout;
  private readonly watchdog: NodeJS.Timeout;

  constructor(private readonly o: HeldOptions) {
    this.ttlMs = o.ttlMs ?? DEFAULT_TTL_MS;
    this.retryMs = o.retryMs ?? 2000;
    this.refresher = setInterval(() => this.refresh(), Math.max(50, Math.floor(this.ttlMs / 3)));
    this.refresher.unref();
    // While an announcement hangs or failed, this replica resolves the conversation itself, again and again:
    // its agent may answer only later.
    this.watchdog = setInterval(() => this.unreachable(), Math.max(25, Math.floor(this.retryMs / 2)));
    this.watchdog.unref();
  }

  /** This replica now holds a session of the conversation: record and announce it. Never blocks the caller. */
  held(orgId: string, conversationId: string): void {
    const c = { orgId: orgId.toLowerCase(), conversationId: conversationId.toLowerCase() };
    const key = keyOf(c.orgId, c.conversationId);
    this.mine.set(key, c);
    this.announce(key, c);
  }

  /** This replica holds no session of the conversation any more (admitted, ended or dropped). */
  released(orgId: string, conversationId: string): void {
    const key = keyOf(orgId, conversationId);
    if (!this.mine.delete(key)) return;
    this.unannounced.delete(key);
    this.inFlight.delete(key);
    this.o.state.delete(key).catch((err: unknown) => this.o.log.warn({ orgId, conversationId, err: errorMessage(err) }, 'could not clear a held session; it expires'));
  }

  /** Conversations some replica holds a session of, for one tenant. */
  async list(orgId: string): Promise<string[]> {
    const prefix = prefixOf(orgId);
    return [...(await this.o.state.list(prefix)).keys()].map((k) => k.slice(prefix.length));
  }

  /** Every replica's announcements of newly held conversations. */
  onAnnounce(handler: (a: HeldAnnouncement) => void): Promise<Unsubscribe> {
    return this.o.state.subscribe(HELD_CHANNEL, (message) => handler(JSON.parse(message) as HeldAnnouncement));
  }

  stop(): void {
    clearInterval(this.refresher);
    clearInterval(this.watchdog);
  }

  private write(key: string): Promise<void> {
    return this.o.state.set(key, this.o.replicaId, this.ttlMs);
  }

  private announce(key: string, c: HeldAnnouncement): void {
    this.unannounced.delete(key);
    this.inFlight.set(key, Date.now());
    void this.write(key)
      .then(() => this.o.state.publish(HELD_CHANNEL, JSON.stringify(c)))
      .then(() => this.inFlight.delete(key))
      .catch((err: unknown) => {
        this.inFlight.delete(key);
        // Whatever the leader published meanwhile may be lost too: announce again once shared state is back.
        if (!this.mine.has(key)) return;
        this.unannounced.add(key);
        this.o.log.warn({ ...c, err: errorMessage(err) }, 'could not record a held session; announcing it again shortly');
        setTimeout(() => this.retry(key), this.retryMs).unref();
      });
  }

  private unreachable(): void {
    if (!this.o.onUnreachable) return;
    const late = Date.now() - this.retryMs / 4;
    for (const [key, c] of this.mine) {
      const since = this.inFlight.get(key);
      if (this.unannounced.has(key) || (since !== undefined && since < late)) this.o.onUnreachable(c);
    }
  }

  private retry(key: string): void {
    const c = this.mine.get(key);
    if (c && this.unannounced.has(key)) this.announce(key, c);
  }

  private refresh(): void {
    for (const key of this.mine.keys()) {
      if (this.unannounced.has(key)) continue; // its retry is under way
      this.write(key).catch((err: unknown) => this.o.log.warn({ err: errorMessage(err) }, 'could not refresh a held session'));
    }
  }

}

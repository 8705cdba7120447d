/**
 * Delivers the outbox's common events to each tenant's webhook endpoints.
 *
 * Work is a stream per (tenant, endpoint, conversation): its events go out in
 * seq order, one at a time, and a failing event holds back only the later
 * events of its own stream. A sweep (every `sweepIntervalMs`, and at once on
 * `wake()` after a local commit) makes streams with new events due; due
 * streams are claimed with a lease (one conditional UPDATE), so replicas never
 * send the same stream at once. Delivery runs in its own loop and only reads
 * the outbox: a slow or dead endpoint never delays the writers.
 */
import type { Logger } from '../platform/logging/index.js';
import type { Registry } from '../platform/metrics/index.js';
import type { Db } from '../platform/db/index.js';
import { backoffDelay, type Backoff } from '../platform/util/backoff.js';
import { errorMessage } from '../platform/util/error-message.js';
import type { Tenant, WebhookConfig } from '../tenants/index.js';
import type { WebhooksConfig } from './config.js';
import { matchesEvent } from './filter.js';
import { WebhookMetrics } from './metrics.js';
import { realTimers, send, type SendResult, type Timers } from './sender.js';
import { webhookId } from './signature.js';
import { DeliveryStore, type Head, type StreamKey } from './store.js';

/** The tenants' settings as the dispatcher reads them (the tenant cache). */
export interface TenantSource {
  all(): readonly Tenant[];
  tenant(orgId: string): Tenant | undefined;
}

export interface WebhookDispatcherOptions {
  db: Db;
  tenants: TenantSource;
  config: WebhooksConfig;
  replicaId: string;
  log: Logger;
  registry: Registry;
  now?: () => number;
  timers?: Timers;
  random?: () => number;
}

/** Events sent per claim before the stream goes back to the pool (fairness between conversations). */
const EVENTS_PER_CLAIM = 50;

export class WebhookDispatcher {
  private readonly store: DeliveryStore;
  private readonly now: () => number;
  private readonly timers: Timers;
  private readonly metrics: WebhookMetrics;
  private readonly backoff: Backoff;
  private readonly leaseMs: number;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly perEndpoint = new Map<string, number>();
  private readonly stopping = new AbortController();
  private timer: unknown;
  private ticking: Promise<void> | undefined;
  private again = false;
  private running = false;

  constructor(private readonly o: WebhookDispatcherOptions) {
    this.store = new DeliveryStore(o.db);
    this.now = o.now ?? Date.now;
    this.timers = o.timers ?? realTimers;
    this.metrics = new WebhookMetrics(o.registry);
    this.backoff = { baseMs: o.config.retryBaseMs, maxMs: o.config.retryMaxMs, jitter: 'equal' };
    // Longer than one request can take, so a lease only lapses when its holder stalled or died.
    this.leaseMs = o.config.timeoutMs + 30_000;
  }

  start(): void {
    this.running = true;
    this.wake();
  }

  /** New events were committed here: sweep now instead of at the next interval. Returns at once. */
  wake(): void {
    if (!this.running) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.timers.clearTimeout(this.timer);
    this.ticking = this.tick().finally(() => {
      this.ticking = undefined;
      if (!this.running) return;
      if (this.again) {
        this.again = false;
        this.wake();
      } else this.timer = this.timers.setTimeout(() => this.wake(), this.o.config.sweepIntervalMs);
    });
  }

  /** Stops sweeping; requests in flight get `drainMs` to finish, then are aborted (and retried later, by any replica). */
  async stop(drainMs = 2000): Promise<void> {
    this.running = false;
    this.timers.clearTimeout(this.timer);
    await this.ticking;
    const drained = Promise.all(this.inFlight.values()).then(() => true);
    const late = new Promise<false>((resolve) => setTimeout(() => resolve(false), drainMs).unref());
    if (!(await Promise.race([drained, late]))) this.stopping.abort();
    await Promise.all(this.inFlight.values());
  }

  /**
   * One sweep and every due stream sent until nothing is due now (tests drive
   * virtual time with it; the loop calls it on every tick).
   */
  async runOnce(): Promise<void> {
    await this.sweep();
    for (;;) {
      const started = await this.pump();
      if (!started && this.inFlight.size === 0) return;
      if (this.inFlight.size > 0) await Promise.race(this.inFlight.values());
    }
  }

  private async tick(): Promise<void> {
    try {
      await this.sweep();
      await this.pump();
    } catch (err) {
      this.o.log.warn({ err: errorMessage(err) }, 'webhook sweep failed; trying again at the next one');
    }
  }

  /** Makes new events' streams due, for every enabled endpoint. */
  private async sweep(): Promise<void> {
    const now = this.now();
    const horizon = new Date(now - this.o.config.retryForMs).toISOString();
    for (const t of this.o.tenants.all()) {
      for (const w of t.webhooks ?? []) {
        if (w.enabled) await this.store.discover(t.orgId, w.name, horizon, new Date(now).toISOString());
      }
    }
  }

  /** Claims due streams up to the concurrency limits and starts them; true when it started any. */
  private async pump(): Promise<boolean> {
    const free = this.o.config.concurrency - this.inFlight.size;
    if (free <= 0 || this.stopping.signal.aborted) return false;
    const now = this.now();
    const due = await this.store.due(new Date(now).toISOString(), this.o.config.concurrency * 2);
    let started = 0;
    for (const key of due) {
      if (this.inFlight.size >= this.o.config.concurrency) break;
      const id = streamId(key);
      const ep = `${key.tenant}\n${key.endpoint}`;
      if (this.inFlight.has(id) || (this.perEndpoint.get(ep) ?? 0) >= this.o.config.perEndpointConcurrency) continue;
      if (!(await this.store.claim(key, this.o.replicaId, new Date(now).toISOString(), new Date(now + this.leaseMs).toISOString()))) continue;
      this.perEndpoint.set(ep, (this.perEndpoint.get(ep) ?? 0) + 1);
      const run = this.runStream(key)
        .catch((err: unknown) => this.o.log.warn({ orgId: key.tenant, endpoint: key.endpoint, conversationId: key.conversationId, err: errorMessage(err) }, 'webhook stream failed; its lease lapses and it is retried'))
        .finally(() => {
          this.inFlight.delete(id);
          this.perEndpoint.set(ep, (this.perEndpoint.get(ep) ?? 1) - 1);
          if (this.running) this.wake();
        });
      this.inFlight.set(id, run);
      started++;
    }
    return started > 0;
  }

  /** Sends the stream's events in order until it is caught up, waits on a retry, or has had its share. */
  private async runStream(key: StreamKey): Promise<void> {
    const me = this.o.replicaId;
    for (let i = 0; i < EVENTS_PER_CLAIM; i++) {
      const endpoint = this.endpoint(key);
      const iso = () => new Date(this.now()).toISOString();
      if (!endpoint) return this.store.release(key, me, null, iso(), false);
      const head = await this.store.head(key);
      if (!head) return this.store.release(key, me, null, iso());
      if (!head.redelivery && !matchesEvent(endpoint.events, head.type)) {
        if (!(await this.store.advance(key, me, head.seq + 1, iso(), iso()))) return;
        continue;
      }
      if (!(await this.store.renew(key, me, new Date(this.now() + this.leaseMs).toISOString()))) return;
      const retryAt = await this.deliver(key, endpoint, head);
      if (retryAt !== undefined) return this.store.release(key, me, new Date(retryAt).toISOString(), iso());
      if (!(await this.store.advance(key, me, head.redelivery ? null : head.seq + 1, iso(), iso()))) return;
    }
    await this.store.release(key, this.o.replicaId, new Date(this.now()).toISOString(), new Date(this.now()).toISOString());
  }

  /** One attempt, logged; returns when to try again, or undefined when the event is done (delivered or given up). */
  private async deliver(key: StreamKey, endpoint: WebhookConfig, head: Head): Promise<number | undefined> {
    const start = this.now();
    const result = await send({
      url: endpoint.url,
      secret: endpoint.secret,
      id: webhookId(key.tenant, key.endpoint, key.conversationId, head.seq),
      timestampSec: Math.floor(start / 1000),
      body: head.payload,
      timeoutMs: this.o.config.timeoutMs,
      timers: this.timers,
      signal: this.stopping.signal,
    });
    const at = this.now();
    const attempts = head.attempts + 1;
    const firstAttemptAt = head.firstAttemptAt ?? new Date(start).toISOString();
    const base = { seq: head.seq, type: head.type, attempts, statusCode: result.status, firstAttemptAt, at: new Date(at).toISOString() };
    if (result.error === null) {
      await this.store.record(key, { ...base, status: 'delivered', error: null });
      this.metrics.deliveries.inc({ tenant: key.tenant, outcome: 'delivered' });
      this.metrics.latency.observe(Math.max(0, at - Date.parse(head.recordedAt)) / 1000);
      return undefined;
    }
    const giveUp = giveUpReason(result, at - Date.parse(firstAttemptAt), this.o.config.retryForMs);
    if (giveUp) {
      await this.store.record(key, { ...base, status: 'failed', error: `${giveUp}; last: ${result.error}` });
      this.metrics.deliveries.inc({ tenant: key.tenant, outcome: 'failed' });
      this.o.log.warn({ orgId: key.tenant, endpoint: key.endpoint, conversationId: key.conversationId, seq: head.seq, attempts, reason: giveUp }, 'webhook delivery failed; the conversation moves on (hookline webhooks redeliver)');
      return undefined;
    }
    await this.store.record(key, { ...base, status: 'pending', error: result.error });
    this.metrics.deliveries.inc({ tenant: key.tenant, outcome: 'retry' });
    return at + backoffDelay(attempts, this.backoff, this.o.random);
  }

  private endpoint(key: StreamKey): WebhookConfig | undefined {
    const w = this.o.tenants.tenant(key.tenant)?.webhooks?.find((x) => x.name === key.endpoint);
    return w?.enabled ? w : undefined;
  }
}

/** 410 Gone: the receiver says this will never work, so no retries. Otherwise only the retry window ends it. */
function giveUpReason(r: SendResult, sinceFirstMs: number, retryForMs: number): string | undefined {
  if (r.status === 410) return 'endpoint answered 410 Gone';
  if (sinceFirstMs >= retryForMs) return `still failing ${Math.round(sinceFirstMs / 1000)} s after the first attempt (retryForSeconds ${retryForMs / 1000})`;
  return undefined;
}

function streamId(k: StreamKey): string {
  return `${k.tenant}\n${k.endpoint}\n${k.conversationId}`;
}

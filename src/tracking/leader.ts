/**
 * One leader per name across replicas, on a shared-state lease: acquire,
 * renew at a third of the TTL, and step down when a renewal fails. A replica
 * that dies stops renewing, so another takes over within one TTL.
 *
 * A renewal that neither succeeds nor fails (Redis unreachable: the command
 * waits in the client's offline queue) must not keep this replica leading
 * past the lease's expiry, when another replica may already hold it: the
 * lease counts as held until one TTL after the last successful renewal was
 * sent, and the leader steps down then, whatever the renewal still pending.
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from '../platform/logging/index.js';
import type { SharedState } from '../platform/state/index.js';

export interface LeaderOptions {
  state: SharedState;
  name: string;
  owner: string;
  ttlMs: number;
  log: Logger;
  onElected: () => Promise<void> | void;
  onDeposed: () => Promise<void> | void;
}

export class LeaderLease {
  private leader = false;
  private timer: NodeJS.Timeout | undefined;
  /** Steps down when the lease may have expired unrenewed. */
  private expiry: NodeJS.Timeout | undefined;
  private stopped = false;
  // Elections and depositions run one at a time, in order.
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly o: LeaderOptions) {}

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    void this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    clearTimeout(this.expiry);
    if (this.leader) {
      this.transition(false);
      await this.o.state.releaseLease(this.o.name, this.o.owner).catch(() => undefined);
    }
    await this.chain;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    let held = false;
    const sentAt = performance.now();
    try {
      held = await this.o.state.acquireLease(this.o.name, this.o.owner, this.o.ttlMs);
    } catch (err) {
      this.o.log.warn({ lease: this.o.name, err: (err as Error).message }, 'lease check failed; acting as follower');
    }
    const validUntil = sentAt + this.o.ttlMs;
    if (held && performance.now() >= validUntil) held = false; // came back too late to count on
    if (held && !this.stopped) this.expireAt(validUntil);
    if (!this.stopped && held !== this.leader) this.transition(held);
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.tick(), Math.max(50, Math.floor(this.o.ttlMs / 3)));
      this.timer.unref();
    }
  }

  /** The lease lasts until `at` at most: Redis counts its TTL from when it got the renewal, later than it was sent. */
  private expireAt(at: number): void {
    clearTimeout(this.expiry);
    const remaining = at - performance.now();
    this.expiry = setTimeout(() => {
      if (this.stopped || !this.leader) return;
      this.o.log.warn({ lease: this.o.name }, 'lease not renewed in time (shared state unreachable?); stepping down');
      this.transition(false);
    }, remaining);
    this.expiry.unref();
  }

  private transition(leader: boolean): void {
    if (!leader) clearTimeout(this.expiry);
    this.leader = leader;
    this.o.log.info({ lease: this.o.name, owner: this.o.owner }, leader ? 'became leader' : 'no longer leader');
    const step = leader ? this.o.onElected : this.o.onDeposed;
    this.chain = this.chain.then(async () => {
      try {
        await step();
      } catch (err) {
        this.o.log.error({ lease: this.o.name, err: (err as Error).message }, leader ? 'leader start failed' : 'leader stop failed');
      }
    });
  }
}

/**
 * One leader per name across replicas, on a shared-state lease: acquire,
 * renew at a third of the TTL, and step down when a renewal fails. A replica
 * that dies stops renewing, so another takes over within one TTL.
 */
import type { Logger } from '../platform/logging/index.js';
import type { SharedState } from '../platform/state/index.js';
import { errorMessage } from '../platform/util/error-message.js';

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
  /** Fires when the lease last renewed would have expired: a renewal that never answers must not keep us leading. */
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
    const asked = Date.now();
    try {
      held = await this.o.state.acquireLease(this.o.name, this.o.owner, this.o.ttlMs);
    } catch (err) {
      this.o.log.warn({ lease: this.o.name, err: errorMessage(err) }, 'lease check failed; acting as follower');
    }
    if (held) this.armExpiry(asked);
    else clearTimeout(this.expiry);
    if (!this.stopped && held !== this.leader) this.transition(held);
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.tick(), Math.max(50, Math.floor(this.o.ttlMs / 3)));
      this.timer.unref();
    }
  }

  /** The lease granted by a call made at `asked` lasts until asked + TTL at the latest. */
  private armExpiry(asked: number): void {
    clearTimeout(this.expiry);
    this.expiry = setTimeout(() => {
      if (this.stopped || !this.leader) return;
      this.o.log.warn({ lease: this.o.name }, 'lease not renewed within its TTL; stepping down');
      this.transition(false);
    }, Math.max(0, asked + this.o.ttlMs - Date.now()));
    this.expiry.unref();
  }

  private transition(leader: boolean): void {
    this.leader = leader;
    this.o.log.info({ lease: this.o.name, owner: this.o.owner }, leader ? 'became leader' : 'no longer leader');
    const step = leader ? this.o.onElected : this.o.onDeposed;
    this.chain = this.chain.then(async () => {
      try {
        await step();
      } catch (err) {
        this.o.log.error({ lease: this.o.name, err: errorMessage(err) }, leader ? 'leader start failed' : 'leader stop failed');
      }
    });
  }
}

/**
 * Hands notification snapshots to the live model off the caller's path: the
 * tracking leader offers and returns at once (the gate's events never wait on
 * the database); one worker applies them in arrival order. The queue is
 * bounded: when the database is slower than the notifications, the newest
 * snapshots are dropped and counted. Dropping is safe for the model's
 * correctness: every snapshot carries the whole conversation, so the next one
 * (or the analytics merge after the call) brings the state up to date.
 */
import { setImmediate } from 'node:timers/promises';
import type { Logger } from '../../platform/logging/index.js';
import { Counter, type Registry } from '../../platform/metrics/index.js';
import { errorMessage } from '../../platform/util/error-message.js';
import type { Observation } from './observation.js';

export interface LiveSink {
  apply(tenant: string, obs: Observation): Promise<unknown>;
}

export interface LiveFeedOptions {
  sink: LiveSink;
  log: Logger;
  /** Most observations waiting; more are dropped. */
  capacity?: number;
  /** Where the drop counter (hookline_live_feed_dropped_total) is published. */
  registry?: Registry;
}

export class LiveFeed {
  private readonly queue: { tenant: string; obs: Observation }[] = [];
  private draining: Promise<void> | undefined;
  private dropped = 0;
  private readonly drops: Counter | undefined;

  constructor(private readonly o: LiveFeedOptions) {
    this.drops = o.registry && new Counter({ name: 'hookline_live_feed_dropped_total', help: 'Notification snapshots the live model dropped because its queue was full', registers: [o.registry] });
  }

  /** Never waits; false when the observation was dropped (queue full). */
  offer(tenant: string, obs: Observation): boolean {
    if (this.queue.length >= (this.o.capacity ?? 10_000)) {
      this.drops?.inc();
      if (this.dropped++ % 1000 === 0) this.o.log.warn({ dropped: this.dropped }, 'live model behind: dropping notification snapshots');
      return false;
    }
    this.queue.push({ tenant, obs });
    this.kick();
    return true;
  }

  private kick(): void {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      if (this.queue.length > 0) this.kick();
    });
  }

  /** Resolves when everything offered so far is applied (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  get pending(): number {
    return this.queue.length;
  }

  private async drain(): Promise<void> {
    await setImmediate(); // not in the offering caller's turn
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      await this.o.sink.apply(next.tenant, next.obs).catch((err: unknown) => this.o.log.warn({ orgId: next?.tenant, err: errorMessage(err) }, 'live model update failed'));
      // Embedded SQLite answers synchronously, so a backlog (a slow plugin held it, then was skipped) would
      // otherwise drain in one turn of the event loop and stall every socket, admissions included.
      await setImmediate();
    }
  }
}

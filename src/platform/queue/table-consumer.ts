/**
 * One consumer of the table queue: claims jobs up to its concurrency, runs the
 * handler, records the outcome, and renews the leases of the jobs it is
 * running, so a long handler keeps its job while a crashed process loses it
 * when the lease runs out.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../logging/index.js';
import type { Claim, JobRow, JobTable } from './job-table.js';
import { PermanentError, type ConsumeOptions, type Consumer, type Handler } from './queue.js';
import { decideFailure } from './retry.js';
import { Wakeup } from './wakeup.js';

export interface TableSettings {
  /** How long a claim lasts without renewal; renewed every third of it. */
  leaseMs: number;
  /** How often an idle consumer looks for jobs published by other processes. */
  pollMs: number;
}

interface Running {
  claim: Claim;
  done: Promise<void>;
}

export function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PermanentError('payload is not valid JSON');
  }
}

export class TableConsumer<T> implements Consumer {
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  /** Keyed by id and attempt: after a lost lease the same job can run twice here. */
  private readonly running = new Map<string, Running>();
  private readonly wakeup = new Wakeup();
  private readonly renewTimer: NodeJS.Timeout;
  private readonly polling: Promise<void>;
  private stopped = false;

  constructor(
    readonly queue: string,
    private readonly jobs: JobTable,
    private readonly handler: Handler<T>,
    private readonly options: ConsumeOptions,
    private readonly settings: TableSettings,
    private readonly logger: Logger,
  ) {
    this.renewTimer = setInterval(() => void this.renew(), Math.max(1, Math.floor(settings.leaseMs / 3)));
    this.polling = this.poll();
  }

  /** A job may be waiting now (published in this process, or a slot freed). */
  notify(): void {
    this.wakeup.notify();
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.wakeup.notify();
    await this.polling;
    await Promise.all([...this.running.values()].map((r) => r.done));
    // Only now: handlers still draining need their leases.
    clearInterval(this.renewTimer);
  }

  private async poll(): Promise<void> {
    while (!this.stopped) {
      const free = this.options.concurrency - this.running.size;
      const claimed = free > 0 ? await this.claim(free) : 0;
      // A full batch suggests more is waiting: claim again before sleeping.
      if (free > 0 && claimed === free) continue;
      await this.wakeup.wait(this.settings.pollMs);
    }
  }

  private async claim(limit: number): Promise<number> {
    try {
      const rows = await this.jobs.claim(this.queue, this.owner, limit, this.settings.leaseMs, Date.now());
      for (const row of rows) this.start(row);
      return rows.length;
    } catch (err) {
      this.logger.warn({ err, queue: this.queue }, 'queue: claiming jobs failed; retrying');
      return 0;
    }
  }

  private start(row: JobRow): void {
    const claim: Claim = { id: row.id, owner: this.owner, attempts: row.attempts };
    const slot = `${row.id}#${row.attempts}`;
    const done = this.run(row, claim).finally(() => {
      this.running.delete(slot);
      this.wakeup.notify();
    });
    this.running.set(slot, { claim, done });
  }

  private async run(row: JobRow, claim: Claim): Promise<void> {
    const failure = await this.handle(row);
    try {
      await this.record(claim, failure);
    } catch (err) {
      this.logger.warn({ err, queue: this.queue, id: claim.id }, 'queue: could not record the outcome; the job returns when its lease expires');
    }
  }

  /** Runs the handler; returns what it threw, if anything. */
  private async handle(row: JobRow): Promise<{ err: unknown } | undefined> {
    try {
      if (row.attempts > this.options.maxAttempts) throw new PermanentError(abandonedReason(row));
      const payload = parsePayload(row.payload) as T;
      await this.handler({ id: row.id, payload, attempts: row.attempts, ...(row.key !== null ? { key: row.key } : {}) });
      return undefined;
    } catch (err) {
      return { err };
    }
  }

  private async record(claim: Claim, failure: { err: unknown } | undefined): Promise<void> {
    let kept: boolean;
    if (!failure) {
      kept = await this.jobs.ack(claim);
    } else {
      const outcome = decideFailure(failure.err, claim.attempts, this.options);
      const now = Date.now();
      kept = outcome.action === 'retry' ? await this.jobs.retry(claim, now + outcome.delayMs, outcome.reason) : await this.jobs.bury(claim, outcome.reason, now);
      if (kept && outcome.action === 'dead') {
        this.logger.warn({ queue: this.queue, id: claim.id, attempts: claim.attempts, reason: outcome.reason }, 'queue: message dead-lettered');
      }
    }
    if (!kept) this.logger.warn({ queue: this.queue, id: claim.id }, 'queue: lease lost before the outcome was recorded; another delivery owns the job');
  }

  private async renew(): Promise<void> {
    const ids = [...this.running.values()].map((r) => r.claim.id);
    try {
      await this.jobs.renew(this.owner, ids, this.settings.leaseMs, Date.now());
    } catch (err) {
      this.logger.warn({ err, queue: this.queue }, 'queue: renewing leases failed');
    }
  }
}

/** Deliveries past maxAttempts only happen when earlier ones ended without an outcome. */
function abandonedReason(row: JobRow): string {
  const last = row.last_error ? `; last error: ${row.last_error}` : '';
  return `gave up after ${row.attempts - 1} deliveries; the last ended without an outcome (consumer crashed or lost its lease)${last}`;
}

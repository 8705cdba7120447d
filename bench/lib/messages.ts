/** IPC between the benchmarks and their load generator children (see load-child.ts). */

/** A loader's own lag since the previous mark: is the generator keeping up? */
export interface LoaderLag {
  /** Event-loop delay p99 and max (perf_hooks.monitorEventLoopDelay), ms. */
  loopP99Ms: number;
  loopMaxMs: number;
  /** How late frames left against their schedule (SendLateness), p99 and max, ms. */
  sendLateP99Ms: number;
  sendLateMaxMs: number;
}

export interface MarkReply {
  type: 'mark';
  /** Sessions that opened and whose socket is still open. */
  live: number;
  /** Sessions started so far (every batch), opened so far. */
  started: number;
  opened: number;
  /** Sessions that ended before `finish` (refused, dropped, never connected): with long sessions, each is a failure. */
  failed: number;
  /** Sessions started that have neither opened nor ended. */
  pending: number;
  /** Ping→pong round trips and open latencies since the previous mark (raw, so several loaders merge exactly). */
  rttMs: number[];
  openMs: number[];
  lag: LoaderLag;
}

export type ChildMessage =
  /** Warm-up done; the loader waits for `grow`. */
  | { type: 'ready' }
  /** Every session of batch `batch` has its `opened`, this long after the batch's first connect. */
  | { type: 'opened'; batch: number; rampSeconds: number }
  | MarkReply
  /**
   * After `finish`, once every session ended. `clean`: sessions that opened, streamed and ended with
   * `closed`, with no protocol error; `openMs`: every open latency; `errors` as runLoad counts them.
   */
  | { type: 'result'; sessions: number; clean: number; openMs: number[]; errors: Record<string, number> };

export type ParentMessage = { type: 'grow'; sessions: number } | { type: 'mark' } | { type: 'finish' };

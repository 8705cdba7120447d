/** IPC between bench:capture and its load generator child (see load-child.ts). */
import type { LoadResult } from '../../src/simulate/index.js';
import type { Summary } from '../../src/simulate/index.js';

export interface MarkReply {
  type: 'mark';
  /** Sessions whose socket is still open. */
  live: number;
  /** Ping→pong round trips since the previous mark (second mark only). */
  rttMs?: Summary;
}

export type ChildMessage =
  /** Every session has its `opened`, this long after the first connect. */
  | { type: 'opened'; rampSeconds: number }
  | MarkReply
  /** `clean`: sessions that opened, streamed and ended with `closed`, with no protocol error. */
  | { type: 'result'; result: LoadResult; clean: number };

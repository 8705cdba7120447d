/**
 * What a bench:capture case is and how it is timed. Its own module so that
 * run-case.ts and window.ts both depend on it rather than on each other.
 */
import type { ServerKind } from './servers.js';

export interface CaseSpec {
  kind: ServerKind;
  sessions: number;
  frameMs: number;
}

export interface Timing {
  /** New connections per second during the ramp (all loaders together). */
  connectRate: number;
  /** Pause between the last `opened` and the window. */
  settleSeconds: number;
  windowSeconds: number;
  /** Extra node flags for the server process (profiling). */
  serverNodeArgs: string[];
  /** Load generator processes; undefined: one per SESSIONS_PER_LOADER sessions. */
  loaders?: number | undefined;
  /** Hookline's `server.workers`; undefined: the key is not written (the server's default). */
  workers?: number | undefined;
}

/**
 * bench:gate command line. The defaults are the recorded run; --quick is a
 * smoke run (few calls and sessions, short window) that leaves the docs alone,
 * as does any run with hand-picked sizes.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface GateBenchOptions {
  quick: boolean;
  /** Admission: calls per case, started at `callsPerSecond`, spread over `agents` monitored agents. */
  calls: number;
  callsPerSecond: number;
  agents: number;
  /** Forwarding: concurrent stereo sessions of `frameMs` frames, one pair of cases per size. */
  sessions: number[];
  /** Frame lengths of the forwarding load, and the destination's batchMs values run at each. */
  frameMs: number[];
  batchMs: number[];
  /** Skip the admission cases (a forwarding-only run). */
  forwardingOnly: boolean;
  connectRate: number;
  settleSeconds: number;
  windowSeconds: number;
  /** Where the forwarding cases write Hookline CPU profiles (node --cpu-prof), or undefined. */
  profileDir: string | undefined;
  writeDocs: boolean;
}

export const USAGE = `usage: npm run bench:gate [-- --quick] [--calls 300] [--sessions 500,1000] [--window 20] [--frame-ms 20,100] [--batch-ms 0,100] [--forwarding-only] [--profile DIR] [--no-docs]`;

export function parseOptions(argv: string[]): GateBenchOptions {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      calls: { type: 'string' },
      sessions: { type: 'string' },
      window: { type: 'string' },
      profile: { type: 'string' },
      'frame-ms': { type: 'string' },
      'batch-ms': { type: 'string' },
      'forwarding-only': { type: 'boolean', default: false },
      'no-docs': { type: 'boolean', default: false },
    },
  });
  const quick = v.quick === true;
  const o: GateBenchOptions = {
    quick,
    calls: Number(v.calls ?? (quick ? 60 : 300)),
    callsPerSecond: 10,
    agents: 80,
    // 1,000 is the size; 500 is what this 2-core machine carries with the load generator and receiver beside Hookline.
    sessions: (v.sessions ?? (quick ? '200' : '500,1000')).split(',').map(Number),
    frameMs: (v['frame-ms'] ?? '20').split(',').map(Number),
    batchMs: (v['batch-ms'] ?? '100').split(',').map(Number),
    forwardingOnly: v['forwarding-only'] === true,
    connectRate: 200,
    settleSeconds: quick ? 2 : 5,
    windowSeconds: Number(v.window ?? (quick ? 6 : 20)),
    profileDir: v.profile === undefined ? undefined : resolve(v.profile),
    // Profiled, smoke and hand-sized runs must not replace the recorded figures.
    writeDocs:
      !quick && v['no-docs'] !== true && v.calls === undefined && v.sessions === undefined && v.window === undefined && v.profile === undefined &&
      v['frame-ms'] === undefined && v['batch-ms'] === undefined && v['forwarding-only'] !== true,
  };
  if (![o.calls, ...o.sessions, ...o.frameMs, o.windowSeconds].every((n) => Number.isInteger(n) && n > 0)) throw new Error(`--calls, --sessions, --frame-ms and --window take positive whole numbers\n${USAGE}`);
  if (!o.batchMs.every((n) => Number.isInteger(n) && n >= 0 && n <= 1000)) throw new Error(`--batch-ms takes whole numbers from 0 to 1000\n${USAGE}`);
  return o;
}

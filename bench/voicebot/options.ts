/** bench:voicebot command line. */
import { parseArgs } from 'node:util';

export const CASES = ['offline', 'protocol'] as const;
export type CaseName = (typeof CASES)[number];

export interface VoicebotBenchOptions {
  /** Concurrent calls per step of each case. */
  calls: Record<CaseName, number[]>;
  /** p99 response-time target (ms) of each case: the capacity rule. */
  targetMs: Record<CaseName, number>;
  /** A step's calls start evenly spread over this many seconds. */
  rampSeconds: number;
  cases: readonly CaseName[];
  docs: boolean;
}

export const USAGE = `usage: npm run bench:voicebot -- [--calls 10,20,40] [--protocol-calls 50,100,200] [--ramp 5]
  [--offline-target-ms 1500] [--protocol-target-ms 500] [--only offline|protocol] [--no-docs]`;

function counts(flag: string, v: string): number[] {
  const list = v.split(',').map((x) => Number(x.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--${flag}: "${v}" must be positive whole numbers separated by commas\n${USAGE}`);
  return list;
}

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new Error(`--${flag}: "${v}" must be a positive number\n${USAGE}`);
  return n;
}

function only(v: string | undefined): readonly CaseName[] {
  if (v === undefined) return CASES;
  const c = CASES.find((x) => x === v);
  if (!c) throw new Error(`--only: "${v}" is not one of ${CASES.join(', ')}\n${USAGE}`);
  return [c];
}

export function parseVoicebotArgs(argv: string[]): VoicebotBenchOptions {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      calls: { type: 'string', default: '10,20,40' },
      'protocol-calls': { type: 'string', default: '50,100,200' },
      ramp: { type: 'string', default: '5' },
      'offline-target-ms': { type: 'string', default: '1500' },
      'protocol-target-ms': { type: 'string', default: '500' },
      only: { type: 'string' },
      'no-docs': { type: 'boolean', default: false },
    },
  });
  const cases = only(v.only);
  return {
    calls: { offline: counts('calls', v.calls as string), protocol: counts('protocol-calls', v['protocol-calls'] as string) },
    targetMs: { offline: positive('offline-target-ms', v['offline-target-ms'] as string), protocol: positive('protocol-target-ms', v['protocol-target-ms'] as string) },
    rampSeconds: positive('ramp', v.ramp as string),
    cases,
    // One case alone would replace the whole section with half of it.
    docs: v['no-docs'] !== true && cases.length === CASES.length,
  };
}

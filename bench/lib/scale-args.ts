/**
 * bench:scale command line. The defaults are the recorded run; --quick is a
 * smoke run (a few hundred sessions, short windows) that leaves the docs alone,
 * as do custom steps.
 */
import { parseArgs } from 'node:util';
import { optionalCount } from './args.js';
import { checkSteps } from './ramp.js';

export interface ScaleOptions {
  quick: boolean;
  /** Steps of the 100 ms ramp, and of the 20 ms ramp that stops at its first miss (empty: skipped). */
  steps100: number[];
  steps20: number[];
  connectRate: number;
  settleSeconds: number;
  windowSeconds: number;
  loaders: number | undefined;
  workers: number | undefined;
  writeDocs: boolean;
}

export const SCALE_USAGE = `usage: node dist-bench/bench/scale.js [--quick] [--steps-100 1000,2500,5000,7500,10000]
  [--steps-20 1000,1500,2000,3000,4000,5000,7500,10000 | none] [--rate 250] [--settle 3] [--window 15]
  [--loaders K] [--workers N] [--no-docs]`;

const STEPS_100 = '1000,2500,5000,7500,10000';
const STEPS_20 = '1000,1500,2000,3000,4000,5000,7500,10000';

function steps(flag: string, v: string): number[] {
  if (v === 'none') return [];
  const list = v.split(',').map((x) => Number(x.trim()));
  checkSteps(flag, list);
  return list;
}

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new Error(`--${flag}: "${v}" must be a positive number`);
  return n;
}

export function parseScaleArgs(argv: string[]): ScaleOptions {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      'steps-100': { type: 'string' },
      'steps-20': { type: 'string' },
      rate: { type: 'string', default: '250' },
      settle: { type: 'string' },
      window: { type: 'string' },
      loaders: { type: 'string' },
      workers: { type: 'string' },
      'no-docs': { type: 'boolean', default: false },
    },
  });
  const quick = v.quick === true;
  const custom = v['steps-100'] !== undefined || v['steps-20'] !== undefined;
  return {
    quick,
    steps100: steps('steps-100', v['steps-100'] ?? (quick ? '100,200' : STEPS_100)),
    steps20: steps('steps-20', v['steps-20'] ?? (quick ? '100,200' : STEPS_20)),
    connectRate: positive('rate', v.rate as string),
    settleSeconds: positive('settle', v.settle ?? (quick ? '1' : '3')),
    windowSeconds: positive('window', v.window ?? (quick ? '6' : '15')),
    loaders: optionalCount('loaders', v.loaders),
    workers: optionalCount('workers', v.workers),
    writeDocs: !quick && !custom && v['no-docs'] !== true,
  };
}

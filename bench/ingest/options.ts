/**
 * bench:ingest command line. The defaults are the recorded run; --quick is a
 * smoke run (small backlog, one-minute budget window, 10,000-call day) that
 * leaves the docs alone, as does any run with hand-picked sizes.
 */
import { parseArgs } from 'node:util';
import type { StackName } from './stacks.js';

export interface IngestBenchOptions {
  quick: boolean;
  /** (a) conversations in the backlog per case, and the consumer concurrencies tried. */
  capacity: number;
  concurrencies: number[];
  stacks: StackName[];
  /** (b) measured window after the first minute, seconds; consumer concurrency. */
  budgetWindowSeconds: number;
  budgetConcurrency: number;
  /** (c) conversations in the reconciled day. */
  reconcile: number;
  /** Which of (a), (b), (c) to run. */
  parts: Part[];
  writeDocs: boolean;
}

export type Part = 'capacity' | 'budget' | 'reconcile';
const PARTS: readonly Part[] = ['capacity', 'budget', 'reconcile'];

export const USAGE = 'usage: npm run bench:ingest [-- --quick] [--capacity 2000] [--budget-window 120] [--reconcile 100000] [--stacks embedded,scaled] [--parts capacity,budget,reconcile] [--no-docs]';

const positive = (v: string | undefined, fallback: number, key: string): number => {
  const n = Number(v ?? fallback);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${key} takes a positive whole number, got ${v}\n${USAGE}`);
  return n;
};

export function parseOptions(argv: string[]): IngestBenchOptions {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      capacity: { type: 'string' },
      'budget-window': { type: 'string' },
      reconcile: { type: 'string' },
      stacks: { type: 'string' },
      parts: { type: 'string' },
      'no-docs': { type: 'boolean', default: false },
    },
  });
  const quick = v.quick === true;
  const stacks = (v.stacks ?? 'embedded,scaled').split(',').map((s) => s.trim());
  for (const s of stacks) if (s !== 'embedded' && s !== 'scaled') throw new Error(`--stacks takes embedded and/or scaled, got ${s}\n${USAGE}`);
  const parts = (v.parts ?? PARTS.join(',')).split(',').map((s) => s.trim());
  for (const p of parts) if (!PARTS.includes(p as Part)) throw new Error(`--parts takes ${PARTS.join(', ')}, got ${p}\n${USAGE}`);
  const handPicked = [v.capacity, v['budget-window'], v.reconcile, v.stacks, v.parts].some((x) => x !== undefined);
  return {
    quick,
    capacity: positive(v.capacity, quick ? 200 : 2000, 'capacity'),
    concurrencies: quick ? [4] : [4, 16],
    stacks: stacks as StackName[],
    budgetWindowSeconds: positive(v['budget-window'], quick ? 60 : 120, 'budget-window'),
    budgetConcurrency: 4,
    reconcile: positive(v.reconcile, quick ? 10_000 : 100_000, 'reconcile'),
    parts: parts as Part[],
    writeDocs: !quick && v['no-docs'] !== true && !handPicked,
  };
}

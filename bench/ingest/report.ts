/**
 * bench:ingest figures as tables (terminal and Markdown), the target
 * verdicts and the docs section. Target: under a 300 requests/minute budget,
 * ≥ 90 % of the budget used with zero failed imports.
 */
import { machineLine } from '../lib/docs.js';
import { markdownTable, textTable, type Row } from '../lib/table.js';
import type { BudgetResult } from './budget.js';
import type { CapacityResult } from './capacity.js';
import type { IngestBenchOptions } from './options.js';
import type { ReconcileResult } from './reconcile.js';
import { STACK_LABELS } from './stacks.js';

export interface IngestResults {
  capacity: CapacityResult[];
  budget: BudgetResult[];
  reconcile: ReconcileResult[];
}

const BUDGET_TARGET = 0.9;
const f = (v: number, d = 1): string => v.toFixed(d);
const pct = (v: number): string => `${v.toFixed(0)} %`;
const int = (v: number): string => Math.round(v).toLocaleString('en-US');

const CAPACITY_HEAD = ['stack', 'concurrency', 'conversations', 'imported', 'dead', 'seconds', 'conv/s', 'MB/s', 'Hookline CPU', 'emulator CPU', 'services CPU', 'other'];
const capacityRows = (rs: CapacityResult[]): Row[] =>
  rs.map((r) => [STACK_LABELS[r.stack], String(r.concurrency), int(r.conversations), int(r.imported), int(r.dead), f(r.seconds), f(r.perSecond), f(r.mbPerSecond, 2), pct(r.cpu.hooklinePct), pct(r.cpu.emulatorPct), pct(r.cpu.servicesPct), pct(r.cpu.otherPct)]);

const BUDGET_HEAD = ['stack', 'window s', 'requests used', 'allowed', 'used', 'imported', 'dead', '429s', 'requests/import', 'target', 'verdict'];
const budgetOk = (r: BudgetResult): boolean => r.fraction >= BUDGET_TARGET && r.dead === 0 && r.imported === r.conversations;
const budgetRows = (rs: BudgetResult[]): Row[] =>
  rs.map((r) => [STACK_LABELS[r.stack], String(r.windowSeconds), int(r.used), int(r.allowed), pct(r.fraction * 100), `${int(r.imported)} / ${int(r.conversations)}`, int(r.dead), int(r.rateLimited), f(r.requestsPerImport, 2), '≥ 90 %, 0 failed', budgetOk(r) ? 'PASS' : 'MISS']);

const RECONCILE_HEAD = ['stack', 'conversations', 'seconds', 'found', 'queued', 'failed', 'requests', 'async job', 'Hookline CPU', 'emulator CPU', 'verdict'];
const reconcileOk = (r: ReconcileResult): boolean => r.found === r.conversations && r.enqueued === r.conversations && r.failed === 0 && !r.error;
const reconcileRows = (rs: ReconcileResult[]): Row[] =>
  rs.map((r) => [STACK_LABELS[r.stack], int(r.conversations), f(r.seconds), int(r.found), int(r.queued), int(r.failed), int(r.requests), r.usedJob ? 'yes' : 'no', pct(r.cpu.hooklinePct), pct(r.cpu.emulatorPct), reconcileOk(r) ? 'PASS' : 'MISS']);

/** Where each import's time went (largest first) and anything a reader must know. */
export function runNotes(g: IngestResults): string[] {
  const notes: string[] = [];
  for (const r of g.capacity) {
    const top = r.perImport.slice(0, 4).map((p) => `${p.what} ${f(p.ms)} ms`).join(', ');
    notes.push(`capacity, ${r.stack}, concurrency ${r.concurrency}: per import ${top}; enqueueing took ${f(r.enqueueSeconds)} s`);
    if (r.cpu.otherPct > 25) notes.push(`capacity, ${r.stack}: other work used ${pct(r.cpu.otherPct)} of a core: figures may be noisy`);
  }
  for (const r of g.budget) {
    notes.push(`budget, ${r.stack}: budgeted requests per 10 s from the first enqueue: ${r.per10s.join(' ')}`);
    if (!r.busyThroughWindow) notes.push(`budget, ${r.stack}: the backlog ran out before the window ended, so the fraction understates`);
  }
  for (const r of g.reconcile) {
    const p = r.phases;
    const kinds = r.byKind.map((k) => `${k.kind} × ${k.n} (${f(k.ms, 0)} ms each)`).join(', ');
    notes.push(`reconcile, ${r.stack}: ${kinds}; queue publishes ${f(r.publishMs / 1000)} s and imported-checks ${f(r.importedCheckMs / 1000)} s (summed over calls, which overlap)${p.toJobSubmit !== undefined ? `; job submitted at ${f(p.toJobSubmit)} s, first page at ${f(p.toFirstPage ?? NaN)} s, last at ${f(p.toLastPage ?? NaN)} s` : ''}`);
    if (r.error) notes.push(`reconcile, ${r.stack}: ${r.error}`);
  }
  return notes;
}

export function verdicts(g: IngestResults): string[] {
  return [
    ...g.budget.map((r) => `${budgetOk(r) ? 'PASS' : 'MISS'}  budget, ${r.stack}: ${pct(r.fraction * 100)} of 300 requests/min used, ${int(r.dead)} failed imports (target ≥ 90 %, 0 failed)`),
    ...g.reconcile.map((r) => `${reconcileOk(r) ? 'PASS' : 'MISS'}  reconcile, ${r.stack}: ${int(r.found)} of ${int(r.conversations)} found and queued in ${f(r.seconds)} s`),
    ...g.capacity.map((r) => `${r.dead === 0 && r.imported === r.conversations ? 'PASS' : 'MISS'}  capacity, ${r.stack} × ${r.concurrency}: ${int(r.imported)} of ${int(r.conversations)} imported, ${int(r.dead)} dead-lettered`),
  ];
}

type Table = (head: Row, rows: readonly Row[]) => string;
function tables(g: IngestResults, t: Table): string[] {
  const parts: [string, Row, Row[]][] = [
    ['(a) Capacity, emulator rate limits off:', CAPACITY_HEAD, capacityRows(g.capacity)],
    ['(b) Under a 300 requests/minute Genesys budget:', BUDGET_HEAD, budgetRows(g.budget)],
    ['(c) Reconciliation of one day:', RECONCILE_HEAD, reconcileRows(g.reconcile)],
  ];
  // Parts left out with --parts print nothing.
  return parts.filter(([, , rows]) => rows.length > 0).flatMap(([title, head, rows]) => [title, '', t(head, rows), '']);
}

export function terminalReport(g: IngestResults): string {
  return [...tables(g, textTable), ...verdicts(g), '', ...runNotes(g).map((n) => `note: ${n}`)].join('\n');
}

function method(o: IngestBenchOptions): string[] {
  return [
    '- Hookline runs the post-call pipeline as `hookline serve` wires it (IngestService over the configured database, queue and object store; no capture, no tracking) in the bench process; the Genesys emulator runs in a child process. Imports are fed straight into the ingest queue, one message per ended conversation, as the tracker does.',
    `- **(a) Capacity**: a backlog of ${int(o.capacity)} ended conversations (analytics settled, recordings transcoded; emulator rate limits off), enqueued at once; conversations per second from the first enqueue to the last import (details + recordings list + stereo WAV download + object write + metadata rows). Each import stores about 0.5–1 MB of audio.`,
    `- **(b) Budget**: the org's rate limit set to 300 requests/minute; a backlog sized to keep the importer busy past the window; budgeted (Platform API) requests counted over a ${o.budgetWindowSeconds} s window that starts after the first minute (the first minute's full token bucket is a one-off burst). Media downloads use pre-signed URLs and are not budgeted, as on Genesys.`,
    `- **(c) Reconcile**: ${int(o.reconcile)} conversations of monitored agents in one UTC day in the emulator's analytics, nothing imported; \`Reconciler.run\` over that day (the nightly job's work: query or async job, compare with what is held, queue the missing). Timed from the call to the report; the directory sync before it is not timed.`,
    '- CPU columns: % of one core over the span, from /proc; "services" is PostgreSQL, RabbitMQ and Swift; "other" is everything else the shared 2-core machine ran.',
  ];
}

export function docsSection(o: IngestBenchOptions, g: IngestResults, started: Date): string {
  return [
    'Command: `npm run bench:ingest`  ',
    `Machine: ${machineLine()}  `,
    `Date: ${started.toISOString()}`,
    '',
    ...tables(g, markdownTable),
    'Targets:',
    '',
    ...verdicts(g).map((v) => `- ${v}`),
    '',
    'Method:',
    '',
    ...method(o),
    '',
    'Notes from the run:',
    '',
    ...runNotes(g).map((n) => `- ${n}`),
  ].join('\n');
}

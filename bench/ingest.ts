/**
 * bench:ingest — the post-call pipeline's throughput:
 *
 *  (a) capacity: conversations per second imported end to end with the
 *      emulator's rate limits off, embedded and RabbitMQ + PostgreSQL + S3;
 *  (b) under a 300 requests/minute Genesys budget: the share of the budget
 *      used (target ≥ 90 %) with zero failed imports;
 *  (c) reconciliation of a day with 100,000 conversations.
 *
 * Prints the tables and verdicts; a full run also writes them to
 * docs/benchmarks.md. See bench/ingest/ for each part.
 */
import { runBudget, type BudgetResult } from './ingest/budget.js';
import { backlog, runCapacity, type CapacityResult } from './ingest/capacity.js';
import { startBenchEmulator, type BenchEmulator } from './ingest/emulator.js';
import { parseOptions, USAGE, type IngestBenchOptions, type Part } from './ingest/options.js';
import { runReconcile, type ReconcileResult } from './ingest/reconcile.js';
import { docsSection, terminalReport } from './ingest/report.js';
import { DOCS_FILE, writeSection } from './lib/docs.js';

/** Requests per minute so high that neither the emulator nor the client's pacing ever waits. */
const RATE_LIMITS_OFF = 100_000_000;

const say = (line: string) => process.stdout.write(`${line}\n`);

async function withEmulator<T>(spec: Parameters<typeof startBenchEmulator>[0], run: (emu: BenchEmulator) => Promise<T>): Promise<T> {
  const emu = await startBenchEmulator(spec);
  try {
    return await run(emu);
  } finally {
    await emu.stop();
  }
}

async function capacity(o: IngestBenchOptions): Promise<CapacityResult[]> {
  const out: CapacityResult[] = [];
  for (const stack of o.stacks) {
    for (const concurrency of o.concurrencies) {
      say(`(a) capacity, ${stack}, concurrency ${concurrency}: ${o.capacity} conversations`);
      // A fresh emulator per case: every case imports the same kind of backlog from scratch.
      const r = await withEmulator({ agents: 50, rateLimit: RATE_LIMITS_OFF }, async (emu) => runCapacity(emu, stack, await backlog(emu, o.capacity), concurrency));
      say(`  ${r.imported} imported, ${r.dead} dead in ${r.seconds.toFixed(1)} s: ${r.perSecond.toFixed(1)} conversations/s`);
      out.push(r);
    }
  }
  return out;
}

async function budget(o: IngestBenchOptions): Promise<BudgetResult[]> {
  // Genesys pacing does not depend on the stack: measured on the embedded one.
  say(`(b) budget, embedded: 60 s warm-up + ${o.budgetWindowSeconds} s window at 300 requests/min`);
  const r = await withEmulator({ agents: 50, rateLimit: 300 }, (emu) => runBudget(emu, 'embedded', o.budgetWindowSeconds, o.budgetConcurrency));
  say(`  ${(r.fraction * 100).toFixed(0)} % of the budget used, ${r.imported}/${r.conversations} imported, ${r.dead} dead`);
  return [r];
}

async function reconcile(o: IngestBenchOptions): Promise<ReconcileResult[]> {
  const out: ReconcileResult[] = [];
  for (const stack of o.stacks) {
    say(`(c) reconcile, ${stack}: a day of ${o.reconcile} conversations`);
    const r = await withEmulator({ agents: 50 }, (emu) => runReconcile(emu, stack, o.reconcile));
    say(`  ${r.found} found, ${r.enqueued} queued in ${r.seconds.toFixed(1)} s`);
    out.push(r);
  }
  return out;
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const started = new Date();
  const run = <T>(part: Part, fn: (o: IngestBenchOptions) => Promise<T[]>) => (o.parts.includes(part) ? fn(o) : Promise.resolve([]));
  const g = { capacity: await run('capacity', capacity), budget: await run('budget', budget), reconcile: await run('reconcile', reconcile) };
  say(`\n${terminalReport(g)}`);
  if (o.writeDocs) {
    writeSection({ bench: 'ingest', heading: 'Post-call ingest (bench:ingest)' }, docsSection(o, g, started));
    say(`\nrecorded in ${DOCS_FILE}`);
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench:ingest: ${err.stack ?? err.message}\n${USAGE}\n`);
  process.exit(1);
});

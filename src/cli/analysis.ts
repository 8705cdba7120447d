/**
 * `hookline analysis show|rerun`: a conversation's post-call analysis, and
 * re-analysis on demand. They work on the database and the analysis queue
 * directly; the running servers' post-call workers analyse.
 */
import type { Command } from 'commander';
import type { AnalysisStore } from '../analysis/index.js';
import { withContext } from './common.js';
import { withQueue } from './ingest.js';

interface Options {
  tenant: string;
  json?: boolean;
}

async function show(cmd: Command, conversationId: string, o: Options): Promise<void> {
  await withContext(
    cmd,
    async (ctx) => {
      const { AnalysisStore } = await import('../analysis/index.js');
      const { normalizeOrgId } = await import('../tenants/index.js');
      const a = await new AnalysisStore(ctx.db).get(normalizeOrgId(o.tenant), conversationId.toLowerCase());
      if (!a) throw new Error(`conversation ${conversationId} has no post-call analysis (not imported yet, or analysis.postCall is off)`);
      if (o.json) return void process.stdout.write(`${JSON.stringify(a, null, 2)}\n`);
      process.stdout.write(summary(a));
    },
    { readOnly: true },
  );
}

type Stored = NonNullable<Awaited<ReturnType<AnalysisStore['get']>>>;

function summary(a: Stored): string {
  const m = a.analysis.metrics;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const lines = [`conversation ${a.conversationId}: ${a.status}, analysed ${a.analyzedAt} (run ${a.runs})`];
  if (m) {
    lines.push(`  duration ${s(m.durationMs)}  silence ${s(m.silenceMs)} (longest ${s(m.longestSilenceMs)})  overtalk ${s(m.overtalkMs)}`);
    for (const [p, pm] of Object.entries(m.parties)) lines.push(`  ${p}: talk ${s(pm.talkMs)} (${Math.round(pm.talkRatio * 100)} %), ${pm.utterances} utterances, ${pm.interruptions} interruptions, level ${pm.speechLevelDb.toFixed(1)} dBFS`);
  }
  for (const r of a.analysis.recordings) if (r.status !== 'done') lines.push(`  recording ${r.recordingId}: ${r.status} — ${r.reason ?? ''}`);
  for (const f of a.analysis.findings) lines.push(`  finding ${f.rule} (${f.kind}) at ${s(f.startMs)}–${s(f.endMs)}`);
  for (const p of a.analysis.phrases) lines.push(`  phrase "${p.phrase}" (${p.party}) at ${s(p.startMs)}`);
  return `${lines.join('\n')}\n`;
}

async function rerun(cmd: Command, conversationId: string, o: Options): Promise<void> {
  await withQueue(cmd, async (ctx, queue, names) => {
    const { queueReanalysis } = await import('../analysis/index.js');
    const { ConversationStore } = await import('../conversations/index.js');
    const { normalizeOrgId } = await import('../tenants/index.js');
    const conversations = new ConversationStore(ctx.db);
    const recordings = async (t: string, id: string) => (await conversations.get(t, id))?.recordings;
    const r = await queueReanalysis({ queue, queueName: names.analysis, recordings }, normalizeOrgId(o.tenant), conversationId.toLowerCase());
    process.stdout.write(o.json ? `${JSON.stringify(r)}\n` : `re-analysis queued (job ${r.jobId}); the running servers' post-call workers analyse it\n`);
  });
}

export function registerAnalysis(program: Command): void {
  const a = program.command('analysis').description('post-call analysis of imported conversations');
  a.command('show <conversationId>')
    .description("a conversation's post-call metrics, findings and phrases")
    .requiredOption('--tenant <orgId>', 'tenant')
    .option('--json', 'print JSON')
    .action((id: string, o: Options, cmd: Command) => show(cmd, id, o));
  a.command('rerun <conversationId>')
    .description('analyse an imported conversation again from its stored recordings')
    .requiredOption('--tenant <orgId>', 'tenant')
    .option('--json', 'print JSON')
    .action((id: string, o: Options, cmd: Command) => rerun(cmd, id, o));
}

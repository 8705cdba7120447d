/** bench:voicebot's tables (terminal and docs/benchmarks.md) and its docs section. */
import { machineLine } from '../lib/docs.js';
import { markdownTable, textTable } from '../lib/table.js';
import type { StepResult } from './cases.js';
import { capacity, passes } from './measure.js';
import type { CaseName, VoicebotBenchOptions } from './options.js';
import { PROTOCOL_SILENCE_MS } from './stack.js';

export type CaseResults = Partial<Record<CaseName, StepResult[]>>;

const TITLE: Record<CaseName, string> = {
  offline: 'offline ASR + TTS (pocketsphinx keyword mode, espeak-ng)',
  protocol: 'protocol only (demo bot, keypad, espeak-ng prompts from its cache)',
};

export const HEAD = ['case', 'concurrent calls', 'completed', 'failed', '429s', 'responses', 'response p50 ms', 'response p99 ms', 'Hookline CPU s / call', '% core / concurrent call', 'of it engines %', 'generator lag p99 ms', 'generator CPU %', 'verdict'] as const;

const f = (n: number, d = 1): string => (Number.isFinite(n) ? n.toFixed(d) : '-');

function row(c: CaseName, r: StepResult, targetMs: number): string[] {
  const cpu = r.hooklineCpuS + r.enginesCpuS;
  const callS = r.figures.callSeconds;
  return [
    c,
    String(r.n),
    String(r.figures.completed),
    String(r.figures.failed),
    String(r.figures.rateLimited),
    `${r.figures.samples}${r.figures.unanswered ? ` (+${r.figures.unanswered} unanswered)` : ''}`,
    f(r.figures.p50, 0),
    f(r.figures.p99, 0),
    f(cpu / r.n, 2),
    f(callS > 0 ? (cpu / callS) * 100 : NaN, 2),
    f(callS > 0 ? (r.enginesCpuS / callS) * 100 : NaN, 2),
    f(r.generatorLagP99Ms, 0),
    f(r.generatorCpuPct, 0),
    passes(r.figures, targetMs) ? 'PASS' : 'MISS',
  ];
}

function rows(o: VoicebotBenchOptions, r: CaseResults): string[][] {
  return o.cases.flatMap((c) => (r[c] ?? []).map((s) => row(c, s, o.targetMs[c])));
}

/** One line per case: the capacity by the rule, and what the CPU alone would allow. */
export function capacityLines(o: VoicebotBenchOptions, r: CaseResults, perCore: boolean): string[] {
  return o.cases.map((c) => {
    const steps = r[c] ?? [];
    const n = capacity(steps.map((s) => ({ n: s.n, figures: s.figures })), o.targetMs[c]);
    const biggest = steps.at(-1);
    const share = biggest && biggest.figures.callSeconds > 0 ? (biggest.hooklineCpuS + biggest.enginesCpuS) / biggest.figures.callSeconds : NaN;
    const unit = perCore ? 'concurrent calls per core' : 'concurrent calls (Hookline not pinned to one core)';
    return `${TITLE[c]}: **${n}** ${unit} by the rule (largest N whose step and every smaller one had p99 < ${o.targetMs[c]} ms, every call completed, no 429, no unanswered input; at most the largest N tried); CPU alone: ≈ ${f(1 / share, 0)} per core at the largest step's ${f(share * 100, 2)} % of a core per call.`;
  });
}

export function terminalReport(o: VoicebotBenchOptions, r: CaseResults, perCore: boolean): string {
  return [textTable(HEAD, rows(o, r)), '', ...capacityLines(o, r, perCore).map((l) => l.replaceAll('**', ''))].join('\n');
}

function method(o: VoicebotBenchOptions, pinning: string): string[] {
  return [
    `- The emulator (this process, speed 1) plays Genesys: each call's IVR runs Architect's Call Audio Connector through the org's audio-connector integration (installed through the Platform API) to \`hookline serve\` (a child process, SQLite, logging at warn). ${pinning}`,
    `- Each step starts N calls evenly over ${o.rampSeconds} s and ends when the bot has ended every call (disconnect with output variables) — there is no steady window: the CPU figures span the first start to the last end.`,
    `- **offline**: the caller says "What is my order status?" (fixture), keys a 4-digit order number unique to the call + \`#\` once the bot's prompt has played, then says "Goodbye."; pocketsphinx (keyword mode from the demo bot's phrases) hears the speech, espeak-ng synthesizes the replies (the order confirmation is new text every call; the fixed prompts come from espeak-ng's cache after their first synthesis). 3 responses per call.`,
    `- **protocol**: connector with \`asr: none\`; after the greeting the caller keys \`1#\`, then \`2#\` (the demo bot answers each with its no-match prompt), then stays silent: after ${PROTOCOL_SILENCE_MS} ms "Are you still there?", after another the bot says goodbye and ends the call. A warm-up call first fills espeak-ng's cache, so every prompt is pre-rendered: this is the protocol, pacing, VAD and bot cost alone. 2 responses per call.`,
    '- **Response**: end of the caller\'s input — the emulator\'s send time of the 200 ms frame holding the phrase\'s measured speech end, or of the last key — to the start of the next playback (the first bot audio arriving at the emulator); both on one clock in the emulator\'s process (`callerTurns` and `playbacks` of its bot-call log). It includes Hookline\'s end-of-utterance detection (VAD), recognition, the bot, synthesis and the pacer\'s first message.',
    '- **CPU**: Hookline\'s utime + stime plus that of its reaped children (cutime + cstime: pocketsphinx, espeak-ng) from `/proc/<pid>/stat`; "% core / concurrent call" = CPU seconds ÷ call-seconds (each call `opened` → end), i.e. the share of one core a call takes while it runs.',
    '- **Generator**: this process\'s event-loop delay p99 and CPU over the step; a lag near the response times means the figures are bound by the load generator, not Hookline.',
  ];
}

export function docsSection(o: VoicebotBenchOptions, r: CaseResults, started: Date, commit: string, pinning: string, perCore: boolean): string {
  return [
    'Command: `npm run bench:voicebot`  ',
    `Machine: ${machineLine()}  `,
    `Date: ${started.toISOString()}  `,
    `Commit: ${commit}`,
    '',
    markdownTable(HEAD, rows(o, r)),
    '',
    ...capacityLines(o, r, perCore).map((l) => `- ${l}`),
    '',
    'Method:',
    '',
    ...method(o, pinning),
    '',
  ].join('\n');
}

/**
 * bench:analysis output: a terminal summary and the docs/benchmarks.md block.
 */
import type { LiveResult, PostCallResult, PostCallSpeechResult } from './measure.js';

export interface AnalysisResults {
  acoustic: LiveResult[];
  /** Undefined until a recognizer is plugged into bench/analysis/speech.ts. */
  withSpeech: { label: string; results: LiveResult[] } | undefined;
  postCall: PostCallResult;
  /** Post-call phrase spotting (speechSpotter); undefined when no recognizer was measured. */
  postCallSpeech?: PostCallSpeechResult | undefined;
  /** CPU of other processes on the machine during the run, % of one core. */
  otherLoadPct: number;
}

const f1 = (n: number): string => n.toFixed(1);
const f3 = (n: number): string => n.toFixed(3);

function liveRows(caseName: string, results: LiveResult[]): string[] {
  return results.map(
    (r) =>
      `| ${caseName} | ${r.frameMs} | ${f1(r.callSeconds)} | ${f3(r.cpuMsPerCallSecond)} | ${f3(r.cpuMsPerCallSecond / 10)} | ${Math.floor(r.callsPerCore)} | ${f1(r.pushP99Us)} | ${f1(r.pushMaxUs)} |`,
  );
}

export function liveTable(r: AnalysisResults): string {
  const rows = [
    '| case | frame ms | call-seconds analysed | CPU ms / call-second | % core / concurrent call | concurrent calls / core | push p99 µs | push max µs |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...liveRows('acoustic only', r.acoustic),
  ];
  if (r.withSpeech) rows.push(...liveRows(`acoustic + keyword spotting (${r.withSpeech.label})`, r.withSpeech.results));
  else rows.push('| acoustic + keyword spotting | — | — | not measured: no recognizer in bench/analysis/speech.ts yet | — | — | — | — |');
  return rows.join('\n');
}

export function postCallLine(p: PostCallResult): string {
  return `Post-call: analyzeRecording over ${p.recordings} recordings (${f1(p.audioSeconds)} s of stereo audio) took ${f1(p.wallMs)} ms wall, ${f1(p.cpuMs)} ms CPU: real-time factor **${p.realTimeFactor.toExponential(2)}** by wall time (≈ ${Math.round(1 / p.realTimeFactor)}× faster than real time), ${(p.cpuMs / (p.audioSeconds * 1000)).toExponential(2)} by CPU time.`;
}

export function postCallSpeechLine(p: PostCallSpeechResult | undefined): string {
  if (!p) return 'Post-call phrase spotting: not measured (no recognizer: pocketsphinx_continuous not installed).';
  const cpuPerSecond = p.cpuMs / p.audioSeconds;
  return `Post-call phrase spotting (speechSpotter at analysis.postCall.speechSpeed = ${p.speed}× real time) over ${p.recordings} recordings (${f1(p.audioSeconds)} s, ${p.hits} hits) took ${f1(p.wallMs)} ms wall: real-time factor **${f3(p.realTimeFactor)}** by wall time (the pace sets it: 1/${p.speed} = ${f3(1 / p.speed)}, plus each recording's last decode), ${f1(cpuPerSecond)} CPU ms per second of recording including the engine programs (at that pace one recording takes ${f1((cpuPerSecond * p.speed) / 10)} % of a core: ≈ ${Math.floor(1000 / (cpuPerSecond * p.speed))} recordings spotted at once per core).`;
}

export function terminalReport(r: AnalysisResults): string {
  return `${liveTable(r)}\n\n${postCallLine(r.postCall)}\n${postCallSpeechLine(r.postCallSpeech)}\nOther load on the machine during the run: ${f1(r.otherLoadPct)} % of a core.`;
}

export function docsSection(r: AnalysisResults, meta: { date: Date; commit: string; machine: string; repeat: number; postCallRepeat: number; speechRepeat: number }): string {
  return [
    `Command: \`npm run bench:analysis\`  `,
    `Machine: ${meta.machine}  `,
    `Date: ${meta.date.toISOString()}  `,
    `Commit: ${meta.commit}`,
    '',
    liveTable(r),
    '',
    postCallLine(r.postCall),
    '',
    postCallSpeechLine(r.postCallSpeech),
    '',
    'Method:',
    '',
    `- The three fixture calls (fixtures/analysis, 98 s of stereo µ-law together) are analysed ${meta.repeat} times per frame size in this one process, each call pushed frame by frame as the live sink would (createAcousticAnalysis, then end()); a warm-up pass first.`,
    '- **CPU ms / call-second**: this process\'s CPU (process.cpuUsage, user + system) over the run ÷ seconds of call audio analysed. The analysis is synchronous pure computation, so this is what one live call costs per second of its audio; "% core / concurrent call" is the same figure as a share of one core, and "concurrent calls / core" is 1000 ÷ it (CPU alone: the live sink\'s frame handling and the event loop come on top).',
    '- **push p99 / max**: time of one push() call (performance.now around it), the work the audio path waits for per frame; the max includes garbage collection and the scheduler taking the core away on a shared machine.',
    `- **Post-call**: analyzeRecording over every fixture, ${meta.postCallRepeat} times; real-time factor = wall time ÷ audio time (below 1 = faster than real time).`,
    `- **Keyword spotting** (bench/analysis/speech.ts: the offline default, pocketsphinx keyword spotting of one phrase per party, so two \`pocketsphinx_continuous\` programs per call): each live case runs again, ${meta.speechRepeat} passes, with the recognizer opened on every call next to the acoustic analysis (same frames, pushed at once, its end() awaited). CPU is this process plus the engine programs, counted from /proc/self/stat cutime + cstime once each program has exited and been reaped, so each call's program start (model load) is included. Frame size matters little here: the engine's share dominates.`,
    '- **Post-call phrase spotting**: speechSpotter, as the post-call worker runs it, over every fixture at the configured pace; its wall real-time factor is set by the pace, its CPU per recording-second says how many recordings a core could spot at once. The hits are counted, not judged: the agent\'s two-word bench phrase "late fee" also fires falsely at the default threshold (short phrases want a higher one: docs/guidance-speech.md), which costs nothing measurable.',
    `- The machine was shared with other work while this ran (${f1(r.otherLoadPct)} % of a core by other processes, from /proc/stat): the figures are upper bounds.`,
  ].join('\n');
}

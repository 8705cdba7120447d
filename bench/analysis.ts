/**
 * bench:analysis — what acoustic analysis costs: CPU per second of an
 * analysed live call (acoustic only, and with pocketsphinx keyword spotting:
 * bench/analysis/speech.ts), the concurrent calls one core keeps up with, and
 * the post-call real-time factor of analyzeRecording and of phrase spotting. Method: bench/analysis/report.ts and docs/benchmarks.md.
 *
 *   npm run bench:analysis [-- --quick --repeat 200 --post-call-repeat 200 --speech-repeat 3 --frame-ms 20,100 --no-docs]
 */
import { machineLine, writeSection } from './lib/docs.js';
import { machineBusySeconds } from './lib/proc.js';
import { postCallSchema } from '../src/analysis/config.js';
import { loadFixtures, measureLive, measurePostCall, measurePostCallSpeech, type LiveResult } from './analysis/measure.js';
import { parseAnalysisArgs } from './analysis/options.js';
import { docsSection, terminalReport, type AnalysisResults } from './analysis/report.js';
import { keywordSpotting } from './analysis/speech.js';
import { commit } from './lib/commit.js';

const log = (line: string): void => void process.stdout.write(`${line}\n`);

const ownCpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function main(): Promise<void> {
  const o = parseAnalysisArgs(process.argv.slice(2));
  const started = new Date();
  const fixtures = loadFixtures();
  const machine0 = machineBusySeconds();
  const own0 = ownCpuSeconds();
  const wall0 = performance.now();
  const acoustic: LiveResult[] = [];
  for (const frameMs of o.frameMs) {
    log(`acoustic only, ${frameMs} ms frames …`);
    acoustic.push(await measureLive(fixtures, frameMs, o.repeat));
  }
  const speech = await keywordSpotting();
  let withSpeech: AnalysisResults['withSpeech'];
  let postCallSpeech: AnalysisResults['postCallSpeech'];
  if (speech) {
    try {
      const results: LiveResult[] = [];
      for (const frameMs of o.frameMs) {
        log(`acoustic + keyword spotting (${speech.label}), ${frameMs} ms frames …`);
        results.push(await measureLive(fixtures, frameMs, o.speechRepeat, speech));
      }
      withSpeech = { label: speech.label, results };
      // The worker's default pace (analysis.postCall.speechSpeed).
      const speed = postCallSchema.parse({}).speechSpeed;
      log(`post-call phrase spotting (${speech.label}) at ${speed}× real time …`);
      postCallSpeech = await measurePostCallSpeech(fixtures, o.speechRepeat, speech, speed);
    } finally {
      await speech.close();
    }
  } else log('acoustic + keyword spotting: no recognizer in bench/analysis/speech.ts, not measured');
  log('post-call analyzeRecording …');
  const postCall = measurePostCall(fixtures, o.postCallRepeat);
  const wallS = (performance.now() - wall0) / 1000;
  const otherLoadPct = Math.max(0, ((machineBusySeconds() - machine0 - (ownCpuSeconds() - own0)) / wallS) * 100);
  const results: AnalysisResults = { acoustic, withSpeech, postCall, postCallSpeech, otherLoadPct };
  log(`\n${terminalReport(results)}`);
  if (!o.writeDocs) return;
  const block = docsSection(results, { date: started, commit: commit(), machine: machineLine(), repeat: o.repeat, postCallRepeat: o.postCallRepeat, speechRepeat: o.speechRepeat });
  writeSection({ bench: 'analysis', heading: 'Analysis (bench:analysis)' }, block);
  log('\nwritten to docs/benchmarks.md');
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench:analysis: ${err.message}\n`);
    process.exit(1);
  },
);

/**
 * The measurements of bench:analysis, in this process: the analysis is pure
 * computation, so CPU time of this thread over a run of many calls, divided
 * by the audio analysed, is the cost of one concurrent live call.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// Narrow imports: the analysis index also brings the post-call service and its webhook sender, which reads
// package.json from a path dist-bench does not have.
import { analyzeRecording, createAcousticAnalysis } from '../../src/analysis/acoustic/index.js';
import { speechSpotter } from '../../src/analysis/postcall/spotter.js';
import type { ChannelLayout, SpeechAnalyzer } from '../../src/analysis/types.js';
import { childrenCpuSeconds } from '../lib/proc.js';
import { BENCH_PHRASES, type KeywordSpotting } from './speech.js';

export const CHANNELS: ChannelLayout = ['customer', 'agent'];
const BYTES_PER_MS = 8 * CHANNELS.length;
/** bench/analysis is two levels below the repository root when run from source (tests), dist-bench/bench/analysis three. */
const FIXTURES = ['../../fixtures/analysis/', '../../../fixtures/analysis/']
  .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
  .find((dir) => existsSync(`${dir}truth.json`));

export interface Fixture {
  name: string;
  ulaw: Uint8Array;
  durationMs: number;
}

export function loadFixtures(): Fixture[] {
  if (FIXTURES === undefined) throw new Error('fixtures/analysis not found above bench/analysis');
  const truth = JSON.parse(readFileSync(`${FIXTURES}truth.json`, 'utf8')) as { calls: { name: string }[] };
  return truth.calls.map(({ name }) => {
    const ulaw = new Uint8Array(readFileSync(`${FIXTURES}${name}.ulaw`));
    return { name, ulaw, durationMs: ulaw.length / BYTES_PER_MS };
  });
}

export interface LiveResult {
  frameMs: number;
  callSeconds: number;
  cpuMs: number;
  /** CPU ms per second of analysed call. */
  cpuMsPerCallSecond: number;
  /** Concurrent live calls one core keeps up with (1000 / cpuMsPerCallSecond). */
  callsPerCore: number;
  pushP99Us: number;
  pushMaxUs: number;
}

const cpuMsNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Own CPU plus that of engine programs run and reaped meanwhile (keyword spotting). */
const cpuWithChildrenMs = (): number => cpuMsNow() + childrenCpuSeconds(process.pid) * 1000;

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number);
}

/** One call fed in `frameMs` frames as the live sink would; each push timed. */
async function liveCall(f: Fixture, frameMs: number, pushUs: number[], speech: KeywordSpotting | undefined): Promise<void> {
  const a = createAcousticAnalysis({ channels: CHANNELS });
  const recognizer: SpeechAnalyzer | undefined = speech?.factory.open(
    { tenant: 'bench', conversationId: f.name, channels: CHANNELS, phrases: BENCH_PHRASES, transcripts: false },
    { phrase: () => undefined, transcript: () => undefined },
  );
  const bytes = frameMs * BYTES_PER_MS;
  for (let at = 0; at < f.ulaw.length; at += bytes) {
    const frame = f.ulaw.subarray(at, at + bytes);
    const t0 = performance.now();
    a.push(frame, at / BYTES_PER_MS);
    pushUs.push((performance.now() - t0) * 1000);
    recognizer?.audio(frame, at / BYTES_PER_MS);
  }
  a.end();
  await recognizer?.end();
}

export async function measureLive(fixtures: Fixture[], frameMs: number, repeat: number, speech?: KeywordSpotting): Promise<LiveResult> {
  const cpu = speech ? cpuWithChildrenMs : cpuMsNow;
  for (const f of fixtures) await liveCall(f, frameMs, [], speech); // warm-up: JIT, engine start
  const pushUs: number[] = [];
  const c0 = cpu();
  let callMs = 0;
  for (let r = 0; r < repeat; r++) {
    for (const f of fixtures) {
      await liveCall(f, frameMs, pushUs, speech);
      callMs += f.durationMs;
    }
  }
  const cpuMs = cpu() - c0;
  const sorted = Float64Array.from(pushUs).sort();
  const cpuMsPerCallSecond = cpuMs / (callMs / 1000);
  return {
    frameMs,
    callSeconds: callMs / 1000,
    cpuMs,
    cpuMsPerCallSecond,
    callsPerCore: 1000 / cpuMsPerCallSecond,
    pushP99Us: percentile(sorted, 0.99),
    pushMaxUs: sorted.length === 0 ? 0 : (sorted[sorted.length - 1] as number),
  };
}

export interface PostCallResult {
  recordings: number;
  audioSeconds: number;
  wallMs: number;
  cpuMs: number;
  /** Processing time over audio time (wall): below 1 is faster than real time. */
  realTimeFactor: number;
}

export function measurePostCall(fixtures: Fixture[], repeat: number): PostCallResult {
  for (const f of fixtures) analyzeRecording(f.ulaw, CHANNELS); // warm-up
  const c0 = cpuMsNow();
  const t0 = performance.now();
  let audioMs = 0;
  for (let r = 0; r < repeat; r++) {
    for (const f of fixtures) {
      analyzeRecording(f.ulaw, CHANNELS);
      audioMs += f.durationMs;
    }
  }
  const wallMs = performance.now() - t0;
  return { recordings: repeat * fixtures.length, audioSeconds: audioMs / 1000, wallMs, cpuMs: cpuMsNow() - c0, realTimeFactor: wallMs / audioMs };
}

export interface PostCallSpeechResult extends PostCallResult {
  /** analysis.postCall.speechSpeed: the recording is fed at this many times real time. */
  speed: number;
  /** Phrase hits found over all recordings (the cancel-call fixture holds one per pass). */
  hits: number;
}

/**
 * Post-call phrase spotting as the worker runs it (speechSpotter: the live recognizer fed the recording
 * paced at `speed` × real time), every fixture `repeat` times: wall time over audio time, and the CPU of
 * this process plus the reaped engine programs.
 */
export async function measurePostCallSpeech(fixtures: Fixture[], repeat: number, speech: KeywordSpotting, speed: number): Promise<PostCallSpeechResult> {
  const spot = speechSpotter(speech.factory, speed);
  const run = (f: Fixture) => spot({ tenant: 'bench', conversationId: f.name }, { ulaw: f.ulaw, channels: CHANNELS, durationMs: f.durationMs }, BENCH_PHRASES);
  await run(fixtures[0] as Fixture); // warm-up: model copy, page cache
  const c0 = cpuWithChildrenMs();
  const t0 = performance.now();
  let audioMs = 0;
  let hits = 0;
  for (let r = 0; r < repeat; r++) {
    for (const f of fixtures) {
      hits += (await run(f)).length;
      audioMs += f.durationMs;
    }
  }
  const wallMs = performance.now() - t0;
  return { speed, hits, recordings: repeat * fixtures.length, audioSeconds: audioMs / 1000, wallMs, cpuMs: cpuWithChildrenMs() - c0, realTimeFactor: wallMs / audioMs };
}

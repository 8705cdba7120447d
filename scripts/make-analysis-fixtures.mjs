#!/usr/bin/env node
/**
 * Generates the analysis fixture calls with their ground truth, offline:
 * each utterance of fixtures/analysis/plan.json is spoken by espeak-ng,
 * resampled to 8 kHz by sox (no dither, so the same tools give the same
 * bytes), trimmed to its measured speech span, scaled by its gain and placed
 * at its planned offset on the customer or agent channel. Output per call:
 *
 *   fixtures/analysis/<call>.ulaw  raw interleaved stereo G.711 µ-law, 8 kHz
 *                                  (channel 0 customer = AudioHook external,
 *                                  channel 1 agent = internal)
 *   fixtures/analysis/truth.json   per call: duration, each utterance's span
 *                                  and text, each rule phrase's span, and the
 *                                  talk / silence / overtalk figures computed
 *                                  from those spans
 *
 * Truth is computed from the placed samples, never from the plan alone: the
 * span of an utterance is its first to last 10 ms window above -45 dBFS.
 * Run: node scripts/make-analysis-fixtures.mjs (needs espeak-ng and sox).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import alawmulaw from 'alawmulaw';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIR = join(ROOT, 'fixtures', 'analysis');
const RATE = 8000;
const WINDOW = RATE / 100; // 10 ms
const THRESHOLD = 32768 * 10 ** (-45 / 20);
const PARTIES = ['customer', 'agent'];
const VOICES = { customer: 'en-us+f3', agent: 'en-us+m3' };

function run(cmd, args, input) {
  const r = spawnSync(cmd, args, { input, maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message} (is it installed?)`);
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  return r.stdout;
}

/** The text spoken by espeak-ng as 16-bit linear samples at 8 kHz. */
function speak(text, party) {
  const wav = run('espeak-ng', ['-v', VOICES[party], '-s', '160', '--stdout', text]);
  const pcm = run('sox', ['-D', '-t', 'wav', '-', '-r', String(RATE), '-c', '1', '-e', 'signed', '-b', '16', '-t', 'raw', '-'], wav);
  return new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
}

/** First and last sample of the 10 ms windows louder than THRESHOLD (RMS). */
function speechSpan(samples) {
  let first = -1;
  let last = -1;
  for (let w = 0; w + WINDOW <= samples.length; w += WINDOW) {
    let sum = 0;
    for (let i = w; i < w + WINDOW; i++) sum += samples[i] * samples[i];
    if (Math.sqrt(sum / WINDOW) > THRESHOLD) {
      if (first < 0) first = w;
      last = w + WINDOW;
    }
  }
  if (first < 0) throw new Error('no speech in an utterance');
  return [first, last];
}

const ms = (samples) => Math.round((samples * 1000) / RATE);

/** Sum of the lengths of intervals (each [start, end] ms), merged. */
function union(spans) {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const out = [];
  for (const [s, e] of sorted) {
    const last = out.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function intersect(a, b) {
  const out = [];
  for (const [s1, e1] of a) for (const [s2, e2] of b) if (Math.min(e1, e2) > Math.max(s1, s2)) out.push([Math.max(s1, s2), Math.min(e1, e2)]);
  return union(out);
}

const total = (spans) => spans.reduce((n, [s, e]) => n + e - s, 0);

function gaps(spans, durationMs) {
  const out = [];
  let at = 0;
  for (const [s, e] of spans) {
    if (s > at) out.push([at, s]);
    at = Math.max(at, e);
  }
  if (durationMs > at) out.push([at, durationMs]);
  return out;
}

function makeCall(call) {
  const length = Math.round((call.durationMs * RATE) / 1000);
  const channels = [new Float64Array(length), new Float64Array(length)];
  const utterances = [];
  const phrases = [];
  for (const u of call.utterances) {
    const party = u.party;
    const parts = u.parts ?? [{ text: u.text }];
    let at = Math.round((u.atMs * RATE) / 1000);
    const start = at;
    for (const part of parts) {
      const pcm = speak(part.text, party);
      const [s, e] = speechSpan(pcm);
      const gain = 10 ** ((u.gainDb ?? 0) / 20);
      const ch = channels[PARTIES.indexOf(party)];
      for (let i = s; i < e && at + i - s < length; i++) ch[at + i - s] += pcm[i] * gain;
      if (part.phrase) phrases.push({ party, phrase: part.phrase, startMs: ms(at), endMs: ms(at + e - s) });
      at += e - s + Math.round(((part.gapMsAfter ?? 150) * RATE) / 1000);
    }
    const lastGap = Math.round(((parts.at(-1).gapMsAfter ?? 150) * RATE) / 1000);
    utterances.push({ party, text: parts.map((p) => p.text).join(' '), startMs: ms(start), endMs: ms(at - lastGap), gainDb: u.gainDb ?? 0 });
  }
  const stereo = new Int16Array(length * 2);
  const clipped = [0, 0];
  for (let i = 0; i < length; i++) {
    for (let c = 0; c < 2; c++) {
      const v = Math.round(channels[c][i]);
      if (v > 32767 || v < -32768) clipped[c]++;
      stereo[2 * i + c] = Math.max(-32768, Math.min(32767, v));
    }
  }
  writeFileSync(join(DIR, `${call.name}.ulaw`), alawmulaw.mulaw.encode(stereo));
  const talk = Object.fromEntries(PARTIES.map((p) => [p, union(utterances.filter((u) => u.party === p).map((u) => [u.startMs, u.endMs]))]));
  const anyone = union([...talk.customer, ...talk.agent]);
  const silences = gaps(anyone, call.durationMs);
  const overtalk = intersect(talk.customer, talk.agent);
  // An interruption: a party starts speaking while the other is speaking.
  const interruptions = Object.fromEntries(
    PARTIES.map((p) => [p, utterances.filter((u) => u.party === p && utterances.some((o) => o.party !== p && o.startMs < u.startMs && u.startMs < o.endMs)).length]),
  );
  return {
    name: call.name,
    description: call.description,
    durationMs: call.durationMs,
    clippedSamples: { customer: clipped[0], agent: clipped[1] },
    utterances,
    phrases,
    truth: {
      talkMs: { customer: total(talk.customer), agent: total(talk.agent) },
      silenceMs: total(silences),
      longestSilenceMs: Math.max(0, ...silences.map(([s, e]) => e - s)),
      silences: silences.map(([startMs, endMs]) => ({ startMs, endMs })),
      overtalkMs: total(overtalk),
      overtalk: overtalk.map(([startMs, endMs]) => ({ startMs, endMs })),
      interruptions,
    },
  };
}

const plan = JSON.parse(readFileSync(join(DIR, 'plan.json'), 'utf8'));
const calls = plan.calls.map(makeCall);
writeFileSync(join(DIR, 'truth.json'), `${JSON.stringify({ format: { encoding: 'PCMU', rate: RATE, channels: PARTIES }, calls }, null, 2)}\n`);
for (const c of calls) process.stdout.write(`${c.name}: ${c.durationMs} ms, talk ${JSON.stringify(c.truth.talkMs)}, silence ${c.truth.silenceMs} (longest ${c.truth.longestSilenceMs}), overtalk ${c.truth.overtalkMs}, phrases ${c.phrases.length}\n`);

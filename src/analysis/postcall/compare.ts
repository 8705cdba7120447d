/**
 * Live vs post-call: what the live analysis of the admitted audio saw against
 * what the post-call analysis of the imported recording found, stored with
 * the result. Differences are post-call minus live. Live sessions of one
 * conversation (a reconnect makes a second) are added up.
 *
 * The two timelines are taken to start together (the recording and the
 * AudioHook stream both begin when the call's media does); where Genesys
 * starts the recording later, offsets differ by that lag, so findings are
 * matched by rule within `matchToleranceMs`, not by exact offset.
 */
import type { AcousticMetrics, Finding, Party } from '../types.js';
import type { LiveSummary } from '../store.js';

const PARTIES: readonly Party[] = ['customer', 'agent'];

export interface MetricDelta {
  live: number;
  postCall: number;
  /** postCall − live */
  delta: number;
}

export interface LiveComparison {
  liveSessions: number;
  metrics: {
    durationMs: MetricDelta;
    silenceMs: MetricDelta;
    longestSilenceMs: MetricDelta;
    overtalkMs: MetricDelta;
    talkMs: Partial<Record<Party, MetricDelta>>;
  };
  /** Findings of the same rule within the tolerance of each other. */
  findings: { matched: number; liveOnly: FindingRef[]; postCallOnly: FindingRef[] };
}

export interface FindingRef {
  rule: string;
  startMs: number;
  endMs: number;
}

const delta = (live: number, postCall: number): MetricDelta => ({ live, postCall, delta: postCall - live });

/** The live sessions' figures added up (durations, talk, silence, overtalk; the longest silence is the longest of any). */
export function sumLive(sessions: readonly LiveSummary[]): AcousticMetrics {
  const out: AcousticMetrics = { durationMs: 0, parties: {}, silenceMs: 0, longestSilenceMs: 0, overtalkMs: 0 };
  for (const { metrics: m } of sessions) {
    out.durationMs += m.durationMs;
    out.silenceMs += m.silenceMs;
    out.overtalkMs += m.overtalkMs;
    out.longestSilenceMs = Math.max(out.longestSilenceMs, m.longestSilenceMs);
    for (const p of PARTIES) {
      const pm = m.parties[p];
      if (!pm) continue;
      const acc = (out.parties[p] ??= { ...pm, talkMs: 0, utterances: 0, interruptions: 0, clippedSamples: 0 });
      acc.talkMs += pm.talkMs;
      acc.utterances += pm.utterances;
      acc.interruptions += pm.interruptions;
      acc.clippedSamples += pm.clippedSamples;
    }
  }
  return out;
}

export function compareLive(sessions: readonly LiveSummary[], post: AcousticMetrics, postFindings: readonly Finding[], matchToleranceMs = 1000): LiveComparison | null {
  if (sessions.length === 0) return null;
  const live = sumLive(sessions);
  const talkMs: LiveComparison['metrics']['talkMs'] = {};
  for (const p of PARTIES) {
    if (live.parties[p] || post.parties[p]) talkMs[p] = delta(live.parties[p]?.talkMs ?? 0, post.parties[p]?.talkMs ?? 0);
  }
  return {
    liveSessions: sessions.length,
    metrics: {
      durationMs: delta(live.durationMs, post.durationMs),
      silenceMs: delta(live.silenceMs, post.silenceMs),
      longestSilenceMs: delta(live.longestSilenceMs, post.longestSilenceMs),
      overtalkMs: delta(live.overtalkMs, post.overtalkMs),
      talkMs,
    },
    findings: matchFindings(
      sessions.flatMap((s) => s.findings),
      postFindings,
      matchToleranceMs,
    ),
  };
}

const ref = (f: Finding): FindingRef => ({ rule: f.rule, startMs: f.startMs, endMs: f.endMs });

/** Pairs each live finding with the nearest unpaired post-call finding of the same rule whose start is within the tolerance. */
export function matchFindings(live: readonly Finding[], post: readonly Finding[], toleranceMs: number): LiveComparison['findings'] {
  const unpaired = [...post];
  const liveOnly: FindingRef[] = [];
  let matched = 0;
  for (const f of live) {
    let best = -1;
    for (let i = 0; i < unpaired.length; i++) {
      const g = unpaired[i]!;
      if (g.rule !== f.rule || Math.abs(g.startMs - f.startMs) > toleranceMs) continue;
      if (best < 0 || Math.abs(g.startMs - f.startMs) < Math.abs(unpaired[best]!.startMs - f.startMs)) best = i;
    }
    if (best < 0) liveOnly.push(ref(f));
    else {
      unpaired.splice(best, 1);
      matched++;
    }
  }
  return { matched, liveOnly, postCallOnly: unpaired.map(ref) };
}

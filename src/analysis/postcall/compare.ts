/**
 * Live vs post-call: what the live analysis of the admitted audio saw against
 * what the post-call analysis of the imported recording found, stored with
 * the result. Differences are post-call minus live. Live sessions of one
 * conversation (a reconnect makes a second) are added up.
 *
 * The two timelines do not start together: the AudioHook stream begins when
 * Genesys opens the session (for a queue call, when the agent connects),
 * the recording when Genesys starts recording (earlier, with the IVR or
 * queue audio), and neither side knows the other's start exactly. So the
 * findings are aligned first: the lag between the two timelines is the one
 * that pairs the most findings of the same rule (`alignmentMs`, post-call
 * offset − live offset), then they are matched by rule within
 * `matchToleranceMs` of that lag. Totals (talk, overtalk, longest silence)
 * need no alignment.
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
  /** Findings of the same rule within the tolerance of each other, once aligned. */
  findings: { alignmentMs: number; matched: number; liveOnly: FindingRef[]; postCallOnly: FindingRef[] };
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

export function compareLive(sessions: readonly LiveSummary[], post: AcousticMetrics, postFindings: readonly Finding[], matchToleranceMs = 300): LiveComparison | null {
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

/** Pairs live and post-call findings of the same rule at the lag that pairs the most (and, among those, the closest). */
export function matchFindings(live: readonly Finding[], post: readonly Finding[], toleranceMs: number): LiveComparison['findings'] {
  let best = pairAt(live, post, 0, toleranceMs);
  for (const lag of candidateLags(live, post)) {
    const m = pairAt(live, post, lag, toleranceMs);
    if (m.matched > best.matched || (m.matched === best.matched && m.residualMs < best.residualMs)) best = m;
  }
  const { residualMs: _r, ...findings } = best;
  return findings;
}

/** Each same-rule pair's lag, rounded to 10 ms, once. */
function candidateLags(live: readonly Finding[], post: readonly Finding[]): number[] {
  const lags = new Set<number>();
  for (const f of live) for (const g of post) if (g.rule === f.rule) lags.add(Math.round((g.startMs - f.startMs) / 10) * 10);
  return [...lags];
}

/** Pairs each live finding, moved by `lag`, with the nearest unpaired post-call finding of the same rule within the tolerance. */
function pairAt(live: readonly Finding[], post: readonly Finding[], lag: number, toleranceMs: number): LiveComparison['findings'] & { residualMs: number } {
  const unpaired = [...post];
  const liveOnly: FindingRef[] = [];
  let matched = 0;
  let residualMs = 0;
  for (const f of live) {
    const at = f.startMs + lag;
    let best = -1;
    for (let i = 0; i < unpaired.length; i++) {
      const g = unpaired[i]!;
      if (g.rule !== f.rule || Math.abs(g.startMs - at) > toleranceMs) continue;
      if (best < 0 || Math.abs(g.startMs - at) < Math.abs(unpaired[best]!.startMs - at)) best = i;
    }
    if (best < 0) liveOnly.push(ref(f));
    else {
      residualMs += Math.abs(unpaired[best]!.startMs - at);
      unpaired.splice(best, 1);
      matched++;
    }
  }
  return { alignmentMs: lag, matched, liveOnly, postCallOnly: unpaired.map(ref), residualMs };
}

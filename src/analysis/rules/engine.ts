/**
 * The guidance rule engine (docs/guidance.md, "Rules"). Pure: it sees the
 * acoustic analysis' decided activity windows and the phrase hits of a call in
 * timeline order and reports each rule firing as a Finding; no I/O, no clock
 * (every time is a position on the AudioHook stream timeline).
 *
 * When rules fire: a stretch rule (silence, overtalk) fires once per stretch,
 * as soon as the stretch reaches `minSeconds`, with the evidence ending at that
 * crossing point: a supervisor wants to hear of a 30 s silence while it is
 * still going on, and the issue's "within 1 s of the evidence ending" then
 * means within 1 s of the threshold being reached. Talk ratio and level rising
 * fire when their measure crosses the threshold and re-arm once it falls back
 * below; a phrase rule fires for every hit of one of its phrases.
 */
import type { Finding, GuidanceRule, Party, PhraseHit } from '../types.js';

/** The part of the acoustic analysis' ActivityWindow the rules read (one decided window, in timeline order). */
export interface RuleWindow {
  startMs: number;
  endMs: number;
  speaking: Partial<Record<Party, boolean>>;
  levelDb: Partial<Record<Party, number>>;
}

export interface RuleEngineOptions {
  rules: readonly GuidanceRule[];
  /** Called synchronously for each firing; must not throw. */
  onFinding(f: Finding): void;
}

export interface RuleEngine {
  window(w: RuleWindow): void;
  phrase(hit: PhraseHit): void;
  /** The call ended at `atMs`: nothing fires after this. */
  end(atMs: number): void;
}

/** One rule's running state. */
interface Evaluator {
  window?(w: RuleWindow, gap: boolean): void;
  phrase?(hit: PhraseHit): void;
}

type Fire = (f: Omit<Finding, 'rule' | 'kind'>) => void;

/** Windows further apart than this are a gap in the audio (a pause): running stretches restart after it. */
const GAP_TOLERANCE_MS = 1;

export function createRuleEngine(o: RuleEngineOptions): RuleEngine {
  const evaluators = o.rules.map((rule) => {
    const fire: Fire = (f) => o.onFinding({ rule: rule.name, kind: rule.kind, ...f });
    return evaluator(rule, fire);
  });
  let lastEnd: number | undefined;
  let ended = false;
  return {
    window(w) {
      if (ended) return;
      const gap = lastEnd !== undefined && Math.abs(w.startMs - lastEnd) > GAP_TOLERANCE_MS;
      lastEnd = w.endMs;
      for (const e of evaluators) e.window?.(w, gap);
    },
    phrase(hit) {
      if (ended) return;
      for (const e of evaluators) e.phrase?.(hit);
    },
    end() {
      ended = true;
    },
  };
}

function evaluator(rule: GuidanceRule, fire: Fire): Evaluator {
  switch (rule.kind) {
    case 'silence':
      return stretch(rule.minSeconds, (w) => !w.speaking.customer && !w.speaking.agent, fire);
    case 'overtalk':
      return stretch(rule.minSeconds, (w) => w.speaking.customer === true && w.speaking.agent === true, fire);
    case 'phrase':
      return phrase(rule, fire);
    case 'talk-ratio':
      return talkRatio(rule, fire);
    case 'level-rising':
      return levelRising(rule, fire);
  }
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A stretch of windows where `holds` is true: fires once when it reaches `minSeconds`. */
function stretch(minSeconds: number, holds: (w: RuleWindow) => boolean, fire: Fire): Evaluator {
  const minMs = minSeconds * 1000;
  let start: number | undefined;
  let fired = false;
  return {
    window(w, gap) {
      if (gap || !holds(w)) {
        start = undefined;
        fired = false;
        if (!holds(w)) return;
      }
      start ??= w.startMs;
      if (fired || w.endMs - start < minMs) return;
      fired = true;
      fire({ startMs: start, endMs: w.endMs, evidence: { seconds: round((w.endMs - start) / 1000, 2) } });
    },
  };
}

/** Case and spacing do not count when comparing phrases. */
export const normalizePhrase = (p: string) => p.trim().toLowerCase().replace(/\s+/g, ' ');

function phrase(rule: Extract<GuidanceRule, { kind: 'phrase' }>, fire: Fire): Evaluator {
  const wanted = new Set(rule.phrases.map(normalizePhrase));
  return {
    phrase(hit) {
      if (rule.party !== 'any' && hit.party !== rule.party) return;
      if (!wanted.has(normalizePhrase(hit.phrase))) return;
      const evidence: Finding['evidence'] = { phrase: hit.phrase, text: hit.text.slice(0, 200) };
      if (hit.confidence !== undefined) evidence.confidence = round(hit.confidence, 2);
      fire({ startMs: hit.startMs, endMs: hit.endMs, party: hit.party, evidence });
    },
  };
}

/** Windows are summed into buckets this long, so a long rule window keeps few entries. */
const BUCKET_MS = 100;

/** A sliding sum over the last `spanMs` of the timeline, in buckets. */
class SlidingSum {
  private readonly buckets: { startMs: number; a: number; b: number }[] = [];
  a = 0;
  b = 0;
  /** Where the covered span starts (the first window seen since the last reset). */
  since: number | undefined;

  constructor(private readonly spanMs: number) {}

  add(w: { startMs: number; endMs: number }, a: number, b: number): void {
    this.since ??= w.startMs;
    const key = Math.floor(w.startMs / BUCKET_MS) * BUCKET_MS;
    const last = this.buckets.at(-1);
    if (last && last.startMs === key) {
      last.a += a;
      last.b += b;
    } else this.buckets.push({ startMs: key, a, b });
    this.a += a;
    this.b += b;
    while (this.buckets.length > 0 && (this.buckets[0] as { startMs: number }).startMs + BUCKET_MS <= w.endMs - this.spanMs) {
      const old = this.buckets.shift() as { a: number; b: number };
      this.a -= old.a;
      this.b -= old.b;
    }
  }

  reset(): void {
    this.buckets.length = 0;
    this.a = 0;
    this.b = 0;
    this.since = undefined;
  }
}

/**
 * Below this share of the window spent talking (either party), the ratio is not
 * judged: two words in a minute of hold music are not a monologue.
 */
export const TALK_RATIO_MIN_TALK_SHARE = 0.2;

function talkRatio(rule: Extract<GuidanceRule, { kind: 'talk-ratio' }>, fire: Fire): Evaluator {
  const spanMs = rule.windowSeconds * 1000;
  const other: Party = rule.party === 'agent' ? 'customer' : 'agent';
  const sum = new SlidingSum(spanMs);
  let armed = true;
  return {
    window(w, gap) {
      if (gap) sum.reset();
      const ms = w.endMs - w.startMs;
      sum.add(w, w.speaking[rule.party] ? ms : 0, w.speaking[other] ? ms : 0);
      // Judged only over a full window: the first seconds of a call say nothing about a minute.
      if (w.endMs - (sum.since ?? w.startMs) < spanMs) return;
      const talk = sum.a + sum.b;
      const ratio = talk > 0 ? sum.a / talk : 0;
      const judged = talk >= spanMs * TALK_RATIO_MIN_TALK_SHARE;
      if (!armed) {
        if (!judged || ratio <= rule.above) armed = true;
        return;
      }
      if (!judged || ratio <= rule.above) return;
      armed = false;
      fire({ startMs: Math.max(0, w.endMs - spanMs), endMs: w.endMs, party: rule.party, evidence: { ratio: round(ratio, 2), above: rule.above, windowSeconds: rule.windowSeconds, talkSeconds: round(sum.a / 1000, 1) } });
    },
  };
}

/** The "current" level is the party's last this-much of speech; the baseline is the speech before it in the window. */
export const LEVEL_CURRENT_MS = 1500;
/** Speech needed in the baseline before a rise is judged. */
export const LEVEL_MIN_BASELINE_MS = 2000;
const FLOOR_DB = -90;

/** Power mean of dB values, in dB: loud moments weigh as they sound, silence does not drag the mean to the floor. */
function powerMeanDb(sumPower: number, n: number): number {
  return n > 0 && sumPower > 0 ? 10 * Math.log10(sumPower / n) : FLOOR_DB;
}

/**
 * Level rising: the party's speech level over its last LEVEL_CURRENT_MS of
 * speech against its level over the speech before that, within the last
 * `windowSeconds` of that party's speech. Windows count in speech time, so the
 * customer's turns on both sides of the agent's answer are compared. Running
 * sums: O(1) per window whatever the rule's window.
 */
function levelRising(rule: Extract<GuidanceRule, { kind: 'level-rising' }>, fire: Fire): Evaluator {
  const spanMs = rule.windowSeconds * 1000;
  const speech = new SpeechLevels(spanMs);
  let armed = true;
  return {
    window(w) {
      const db = w.levelDb[rule.party];
      if (!w.speaking[rule.party] || db === undefined) return;
      speech.push(w, db);
      const m = speech.measure();
      if (!m) return;
      const rise = m.currentDb - m.baselineDb;
      if (!armed) {
        if (rise < rule.riseDb) armed = true;
        return;
      }
      if (rise < rule.riseDb) return;
      armed = false;
      fire({ startMs: m.currentStartMs, endMs: w.endMs, party: rule.party, evidence: { riseDb: round(rise, 1), levelDb: round(m.currentDb, 1), baselineDb: round(m.baselineDb, 1), windowSeconds: rule.windowSeconds } });
    },
  };
}

interface Part {
  ms: number;
  power: number;
  n: number;
}

/** One party's speaking windows over the last `spanMs` of its speech, split into baseline (older) and current (newest). */
class SpeechLevels {
  private readonly items: { startMs: number; ms: number; power: number }[] = [];
  private head = 0;
  /** First item of the current part. */
  private cur = 0;
  private readonly base: Part = { ms: 0, power: 0, n: 0 };
  private readonly now: Part = { ms: 0, power: 0, n: 0 };

  constructor(private readonly spanMs: number) {}

  push(w: { startMs: number; endMs: number }, db: number): void {
    const item = { startMs: w.startMs, ms: w.endMs - w.startMs, power: 10 ** (db / 10) };
    this.items.push(item);
    add(this.now, item, 1);
    // The current part keeps just enough of the newest speech; what leaves it joins the baseline.
    while (this.cur < this.items.length - 1 && this.now.ms - this.at(this.cur).ms >= LEVEL_CURRENT_MS) {
      add(this.now, this.at(this.cur), -1);
      add(this.base, this.at(this.cur), 1);
      this.cur++;
    }
    while (this.head < this.cur && this.base.ms + this.now.ms - this.at(this.head).ms >= this.spanMs) {
      add(this.base, this.at(this.head), -1);
      this.head++;
    }
    if (this.head > 4096) {
      this.items.splice(0, this.head);
      this.cur -= this.head;
      this.head = 0;
    }
  }

  measure(): { currentDb: number; baselineDb: number; currentStartMs: number } | undefined {
    if (this.now.ms < LEVEL_CURRENT_MS || this.base.ms < LEVEL_MIN_BASELINE_MS) return undefined;
    return { currentDb: powerMeanDb(this.now.power, this.now.n), baselineDb: powerMeanDb(this.base.power, this.base.n), currentStartMs: this.at(this.cur).startMs };
  }

  private at(i: number): { startMs: number; ms: number; power: number } {
    return this.items[i] as { startMs: number; ms: number; power: number };
  }
}

function add(p: Part, item: { ms: number; power: number }, sign: 1 | -1): void {
  p.ms += sign * item.ms;
  p.power += sign * item.power;
  p.n += sign;
}

import { describe, expect, it } from 'vitest';
import type { Finding, GuidanceRule, PhraseHit } from '../../../src/analysis/index.js';
import { createRuleEngine, type RuleWindow } from '../../../src/analysis/rules/index.js';
import { truthCall, truthWindows, type TruthCall } from './truth-windows.js';

const SILENCE: GuidanceRule = { name: 'long-silence', kind: 'silence', minSeconds: 5 };
const OVERTALK: GuidanceRule = { name: 'overtalk', kind: 'overtalk', minSeconds: 1.5 };
const RATIO: GuidanceRule = { name: 'monologue', kind: 'talk-ratio', party: 'agent', above: 0.8, windowSeconds: 20 };
const LEVEL: GuidanceRule = { name: 'customer-louder', kind: 'level-rising', party: 'customer', riseDb: 6, windowSeconds: 10 };
const PHRASE: GuidanceRule = { name: 'churn', kind: 'phrase', phrases: ['Cancel my  contract', 'close my account'], party: 'customer' };
const ALL = [SILENCE, OVERTALK, RATIO, LEVEL, PHRASE];

function run(rules: GuidanceRule[], windows: RuleWindow[], hits: PhraseHit[] = []): Finding[] {
  const out: Finding[] = [];
  const engine = createRuleEngine({ rules, onFinding: (f) => out.push(f) });
  // Hits arrive once their audio has been analysed, like a recognizer's results.
  const pending = [...hits].sort((a, b) => a.endMs - b.endMs);
  for (const w of windows) {
    engine.window(w);
    while (pending[0] && pending[0].endMs <= w.endMs) engine.phrase(pending.shift() as PhraseHit);
  }
  engine.end(windows.at(-1)?.endMs ?? 0);
  return out;
}

const hitsOf = (c: TruthCall): PhraseHit[] => c.phrases.map((p) => ({ ...p, text: p.phrase }));

describe('guidance rules on the fixture calls (truth windows)', () => {
  const cancel = truthCall('cancel-call');

  it('silence 5 s fires once, 5 s into the 7.48 s silence, with the evidence ending there', () => {
    const f = run([SILENCE], truthWindows(cancel));
    const long = cancel.truth.silences.find((s) => s.endMs - s.startMs > 7000) as { startMs: number };
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: 'long-silence', kind: 'silence', startMs: long.startMs });
    expect(Math.abs((f[0] as Finding).endMs - (long.startMs + 5000))).toBeLessThanOrEqual(100);
    expect(f[0]?.evidence.seconds).toBeCloseTo(5, 1);
    expect(f[0]?.party).toBeUndefined();
  });

  it('overtalk 1.5 s fires on the cancel call at the overtalk start + 1.5 s', () => {
    const f = run([OVERTALK], truthWindows(cancel));
    const o = cancel.truth.overtalk[0] as { startMs: number };
    expect(f).toHaveLength(1);
    expect(f[0]?.startMs).toBe(o.startMs);
    expect(Math.abs((f[0] as Finding).endMs - (o.startMs + 1500))).toBeLessThanOrEqual(100);
  });

  it('talk ratio 0.8 fires once on the agent monologue, not on the clean call', () => {
    const f = run([RATIO], truthWindows(truthCall('agent-monologue')));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ kind: 'talk-ratio', party: 'agent' });
    expect(f[0]?.evidence.ratio).toBeGreaterThan(0.8);
    expect((f[0] as Finding).endMs - (f[0] as Finding).startMs).toBe(20_000);
    expect(run([RATIO], truthWindows(truthCall('clean-call')))).toEqual([]);
  });

  it('talk ratio compares with its threshold: 70 % agent speech fires above 0.65, not above 0.75', () => {
    // Every second: 0.7 s agent, 0.3 s customer, for 30 s.
    const ws: RuleWindow[] = Array.from({ length: 3000 }, (_, i) => ({ startMs: i * 10, endMs: i * 10 + 10, speaking: { agent: i % 100 < 70, customer: i % 100 >= 70 }, levelDb: {} }));
    expect(run([{ ...RATIO, above: 0.65 }], ws)).toHaveLength(1);
    expect(run([{ ...RATIO, above: 0.75 }], ws)).toEqual([]);
  });

  it('talk ratio re-arms once the ratio fell back below the threshold', () => {
    const monologue = truthWindows(truthCall('agent-monologue'));
    const shifted = (ws: RuleWindow[], by: number) => ws.map((w) => ({ ...w, startMs: w.startMs + by, endMs: w.endMs + by }));
    // Monologue, then a customer's 25 s turn (the ratio drops), then the monologue again.
    const customerTurn: RuleWindow[] = Array.from({ length: 2500 }, (_, i) => ({ startMs: 30_000 + i * 10, endMs: 30_010 + i * 10, speaking: { customer: true, agent: false }, levelDb: { customer: -26 } }));
    const f = run([RATIO], [...monologue, ...customerTurn, ...shifted(monologue, 55_000)]);
    expect(f).toHaveLength(2);
  });

  it('level rising fires for the customer during the louder "cancel my contract" turn', () => {
    const f = run([LEVEL], truthWindows(cancel));
    const loud = cancel.utterances.find((u) => u.party === 'customer' && u.gainDb > 0) as { startMs: number; endMs: number };
    expect(f.length).toBeGreaterThanOrEqual(1);
    expect(f[0]).toMatchObject({ kind: 'level-rising', party: 'customer' });
    expect(f[0]?.endMs).toBeGreaterThan(loud.startMs);
    expect(f[0]?.endMs).toBeLessThanOrEqual(loud.endMs);
    expect(f[0]?.evidence.riseDb).toBeGreaterThanOrEqual(6);
  });

  it('a phrase rule fires on its phrase (any case and spacing) for its party only', () => {
    const f = run([PHRASE], truthWindows(cancel), hitsOf(cancel));
    const p = cancel.phrases[0] as { startMs: number; endMs: number };
    expect(f).toEqual([{ rule: 'churn', kind: 'phrase', party: 'customer', startMs: p.startMs, endMs: p.endMs, evidence: { phrase: 'cancel my contract', text: 'cancel my contract' } }]);
    expect(run([{ ...PHRASE, party: 'agent' }], truthWindows(cancel), hitsOf(cancel))).toEqual([]);
    expect(run([{ ...PHRASE, phrases: ['cancel my subscription'] }], truthWindows(cancel), hitsOf(cancel))).toEqual([]);
  });

  it('nothing fires on the clean call (every rule kind, reasonable thresholds)', () => {
    const clean = truthCall('clean-call');
    expect(run(ALL, truthWindows(clean), hitsOf(clean))).toEqual([]);
  });

  it('a gap in the audio (a pause) restarts a running stretch', () => {
    const quiet = (from: number, to: number): RuleWindow[] => Array.from({ length: (to - from) / 10 }, (_, i) => ({ startMs: from + i * 10, endMs: from + i * 10 + 10, speaking: {}, levelDb: {} }));
    expect(run([SILENCE], [...quiet(0, 3000), ...quiet(10_000, 13_000)])).toEqual([]);
    expect(run([SILENCE], [...quiet(0, 3000), ...quiet(3000, 6000)])).toHaveLength(1);
  });

  it('nothing fires after the end', () => {
    const out: Finding[] = [];
    const engine = createRuleEngine({ rules: [PHRASE], onFinding: (f) => out.push(f) });
    engine.end(1000);
    engine.phrase({ party: 'customer', phrase: 'cancel my contract', text: 'x', startMs: 0, endMs: 900 });
    expect(out).toEqual([]);
  });
});

/**
 * The rules on the fixture calls' real audio: the acoustic analysis' decided
 * windows (fed 20 ms frames, as live) into the rule engine, checked against
 * fixtures/analysis/truth.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAcousticAnalysis, type Finding, type GuidanceRule, type PhraseHit } from '../../../src/analysis/index.js';
import { createRuleEngine } from '../../../src/analysis/rules/index.js';
import { truthCall } from './truth-windows.js';

const SILENCE: GuidanceRule = { name: 'long-silence', kind: 'silence', minSeconds: 5 };
const OVERTALK: GuidanceRule = { name: 'overtalk', kind: 'overtalk', minSeconds: 1.5 };
const RATIO: GuidanceRule = { name: 'monologue', kind: 'talk-ratio', party: 'agent', above: 0.8, windowSeconds: 20 };
const LEVEL: GuidanceRule = { name: 'customer-louder', kind: 'level-rising', party: 'customer', riseDb: 6, windowSeconds: 10 };
const PHRASE: GuidanceRule = { name: 'churn', kind: 'phrase', phrases: ['cancel my contract'], party: 'any' };
const ALL = [SILENCE, OVERTALK, RATIO, LEVEL, PHRASE];
const FRAME_MS = 20;

function analyse(name: string, rules: GuidanceRule[], hits: PhraseHit[] = []): Finding[] {
  const audio = new Uint8Array(readFileSync(new URL(`../../../fixtures/analysis/${name}.ulaw`, import.meta.url)));
  const out: Finding[] = [];
  const engine = createRuleEngine({ rules, onFinding: (f) => out.push(f) });
  const acoustic = createAcousticAnalysis({ channels: ['customer', 'agent'], onWindow: (w) => engine.window(w) });
  const bytes = FRAME_MS * 8 * 2;
  const pending = [...hits];
  for (let at = 0; at < audio.length; at += bytes) {
    const positionMs = at / 16;
    acoustic.push(audio.subarray(at, at + bytes), positionMs);
    while (pending[0] && pending[0].endMs <= positionMs) engine.phrase(pending.shift() as PhraseHit);
  }
  acoustic.end();
  engine.end(audio.length / 16);
  return out;
}

describe('guidance rules on the fixture audio (acoustic analysis → rules)', () => {
  const cancel = truthCall('cancel-call');

  it('silence 5 s fires on the cancel call 5 s into its 7.48 s silence (± 100 ms)', () => {
    const long = cancel.truth.silences.find((s) => s.endMs - s.startMs > 7000) as { startMs: number };
    const f = analyse('cancel-call', [SILENCE]);
    expect(f).toHaveLength(1);
    expect(Math.abs((f[0] as Finding).endMs - (long.startMs + 5000))).toBeLessThanOrEqual(100);
    expect(Math.abs((f[0] as Finding).startMs - long.startMs)).toBeLessThanOrEqual(100);
  });

  it('overtalk 1.5 s fires on the cancel call during its overtalk', () => {
    const o = cancel.truth.overtalk[0] as { startMs: number; endMs: number };
    const f = analyse('cancel-call', [OVERTALK]);
    expect(f).toHaveLength(1);
    expect(Math.abs((f[0] as Finding).endMs - (o.startMs + 1500))).toBeLessThanOrEqual(150);
  });

  it('talk ratio 0.8 fires on the agent monologue', () => {
    const f = analyse('agent-monologue', [RATIO]);
    expect(f).toHaveLength(1);
    expect(f[0]?.evidence.ratio).toBeGreaterThan(0.8);
  });

  it('level rising fires for the customer on the cancel call, in the louder turns', () => {
    const f = analyse('cancel-call', [LEVEL]);
    const loud = cancel.utterances.filter((u) => u.party === 'customer' && u.gainDb > 0);
    expect(f.length).toBeGreaterThanOrEqual(1);
    for (const x of f) expect(loud.some((u) => x.endMs > u.startMs && x.endMs <= u.endMs + 600), JSON.stringify(x)).toBe(true);
  });

  it('nothing fires on the clean call (every rule kind)', () => {
    expect(analyse('clean-call', ALL)).toEqual([]);
  });
});

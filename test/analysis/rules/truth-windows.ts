/**
 * Activity windows made from fixtures/analysis/truth.json (what the acoustic
 * analysis should decide for each fixture call): 10 ms windows, a party
 * speaking inside its utterances, its level -26 dBFS + the utterance's gain,
 * with a deterministic ±3 dB wobble so levels vary as real speech does.
 */
import { readFileSync } from 'node:fs';
import type { Party } from '../../../src/analysis/index.js';
import type { RuleWindow } from '../../../src/analysis/rules/index.js';

export interface TruthCall {
  name: string;
  durationMs: number;
  utterances: { party: Party; text: string; startMs: number; endMs: number; gainDb: number }[];
  phrases: { party: Party; phrase: string; startMs: number; endMs: number }[];
  truth: { silences: { startMs: number; endMs: number }[]; overtalk: { startMs: number; endMs: number }[] };
}

const truth = JSON.parse(readFileSync(new URL('../../../fixtures/analysis/truth.json', import.meta.url), 'utf8')) as { calls: TruthCall[] };

export function truthCall(name: string): TruthCall {
  const c = truth.calls.find((x) => x.name === name);
  if (!c) throw new Error(`no call ${name} in truth.json`);
  return c;
}

export function truthWindows(call: TruthCall, stepMs = 10): RuleWindow[] {
  const out: RuleWindow[] = [];
  for (let t = 0, i = 0; t < call.durationMs; t += stepMs, i++) {
    const w: RuleWindow = { startMs: t, endMs: t + stepMs, speaking: {}, levelDb: {} };
    for (const party of ['customer', 'agent'] as const) {
      const u = call.utterances.find((x) => x.party === party && x.startMs <= t && t < x.endMs);
      w.speaking[party] = u !== undefined;
      w.levelDb[party] = u ? -26 + u.gainDb + 3 * Math.sin(i * 0.7 + (party === 'agent' ? 1 : 0)) : -70;
    }
    out.push(w);
  }
  return out;
}

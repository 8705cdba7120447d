import type { GuidanceRule, Party } from '../types.js';

/** Each party's phrases to spot, from the tenant's phrase rules (a rule for `any` listens to both), each once. */
export function phrasesOf(rules: readonly GuidanceRule[]): Partial<Record<Party, string[]>> {
  const out: Partial<Record<Party, string[]>> = {};
  for (const r of rules) {
    if (r.kind !== 'phrase') continue;
    for (const party of r.party === 'any' ? (['customer', 'agent'] as const) : [r.party]) out[party] = [...new Set([...(out[party] ?? []), ...r.phrases])];
  }
  return out;
}

/**
 * What a remote bot can make us keep: reply texts and output variables are
 * cut to fixed bounds, since they go on to TTS, into Architect and into
 * Data Action responses. Output variables are strings only (Architect's
 * Call Audio Connector Outputs are a string map).
 */
import type { BotTurn } from './types.js';

export const MAX_REPLIES = 20;
export const MAX_REPLY_CHARS = 2000;
export const MAX_VARIABLES = 50;
export const MAX_VARIABLE_NAME_CHARS = 100;
export const MAX_VARIABLE_VALUE_CHARS = 1000;

/** Cuts at a code point, never inside a surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

function stringValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  // Numbers and booleans as JSON writes them ("3", "true"); objects as their JSON.
  return JSON.stringify(v) ?? '';
}

/** Strings only, at most MAX_VARIABLES of them; names too long are dropped (a cut name would be a different variable). */
export function boundVariables(vars: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (!vars) return undefined;
  const out: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of Object.entries(vars)) {
    if (n >= MAX_VARIABLES) break;
    if (k.length === 0 || k.length > MAX_VARIABLE_NAME_CHARS) continue;
    out[k] = truncate(stringValue(v), MAX_VARIABLE_VALUE_CHARS);
    n++;
  }
  return out;
}

export function boundReplies(replies: readonly string[]): string[] {
  return replies.slice(0, MAX_REPLIES).map((r) => truncate(r, MAX_REPLY_CHARS));
}

export function turn(replies: readonly string[], action?: 'end' | 'handover', vars?: Record<string, unknown>): BotTurn {
  const outputVariables = boundVariables(vars);
  return { replies: boundReplies(replies), ...(action ? { action } : {}), ...(outputVariables ? { outputVariables } : {}) };
}

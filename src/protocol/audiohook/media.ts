/**
 * Media selection for `opened` (Genesys AudioHook protocol docs, "Open transaction"): return zero or one of the
 * offered entries, unchanged, so the client's exact-match check passes and the
 * channel order (which fixes the interleave order) is preserved.
 */
import type { MediaChannel, MediaFormat, MediaParameter } from './messages.js';

/** Read-only, so the frozen `audiohook.media` configuration section is a policy as it stands. */
export interface MediaRule {
  readonly format?: MediaFormat;
  /** A channel count, or an exact channel list in order. */
  readonly channels?: number | readonly MediaChannel[];
  readonly rate?: number;
}

export interface MediaPolicy {
  /** Rules tried in order; 'any' accepts any acceptable offer. */
  readonly preference: readonly (MediaRule | 'any')[];
  readonly formats: readonly MediaFormat[];
  readonly rates: readonly number[];
  /** What to do when no offer is acceptable: answer `media: []` or disconnect with error. */
  readonly onNoMatch: 'empty' | 'disconnect';
}

export const DEFAULT_MEDIA_POLICY: MediaPolicy = {
  preference: [{ format: 'PCMU', channels: 2 }, 'any'],
  formats: ['PCMU', 'L16'],
  rates: [8000],
  onNoMatch: 'empty',
};

const KNOWN_CHANNELS = new Set<string>(['external', 'internal']);

function acceptable(m: MediaParameter, policy: MediaPolicy): boolean {
  return (
    policy.formats.includes(m.format) &&
    policy.rates.includes(m.rate) &&
    m.channels.length >= 1 &&
    m.channels.length <= 2 &&
    m.channels.every((c) => KNOWN_CHANNELS.has(c)) &&
    new Set(m.channels).size === m.channels.length
  );
}

function matches(m: MediaParameter, rule: MediaRule): boolean {
  if (rule.format && m.format !== rule.format) return false;
  if (rule.rate && m.rate !== rule.rate) return false;
  if (typeof rule.channels === 'number' && m.channels.length !== rule.channels) return false;
  if (Array.isArray(rule.channels)) {
    const want = rule.channels;
    if (want.length !== m.channels.length || !want.every((c, i) => c === m.channels[i])) return false;
  }
  return true;
}

/** Returns the chosen offer (the same object) or undefined when none is acceptable. */
export function selectMedia(offers: MediaParameter[], policy: MediaPolicy = DEFAULT_MEDIA_POLICY): MediaParameter | undefined {
  const candidates = offers.filter((m) => acceptable(m, policy));
  for (const rule of policy.preference) {
    const hit = rule === 'any' ? candidates[0] : candidates.find((m) => matches(m, rule));
    if (hit) return hit;
  }
  return undefined;
}

/**
 * AudioHook durations ("PT1.25S") as integer nanoseconds.
 *
 * Integers keep the stream timeline exact: a sample at 8 kHz is 125,000 ns, so
 * summing millions of frames never drifts the way float seconds would.
 */

export type Nanos = number;

export const NS_PER_SECOND = 1_000_000_000;

// Seconds-only form is what Genesys and REF send; hours/minutes are accepted
// leniently in case a client ever emits them (the protocol type is ISO 8601).
const DURATION_RE = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d*\.?\d+)S)?$/;

/** Parses an ISO-8601 duration; returns undefined when it is not one. */
export function parseDuration(text: string): Nanos | undefined {
  const m = DURATION_RE.exec(text);
  if (!m || text === 'PT') return undefined;
  const [, h, min, sec] = m;
  let ns = 0;
  if (h) ns += Number(h) * 3600 * NS_PER_SECOND;
  if (min) ns += Number(min) * 60 * NS_PER_SECOND;
  if (sec) ns += secondsTextToNanos(sec);
  return Number.isSafeInteger(ns) ? ns : undefined;
}

function secondsTextToNanos(text: string): Nanos {
  const dot = text.indexOf('.');
  if (dot < 0) return Number(text) * NS_PER_SECOND;
  const whole = dot === 0 ? 0 : Number(text.slice(0, dot));
  const frac = (text.slice(dot + 1) + '000000000').slice(0, 9);
  return whole * NS_PER_SECOND + Number(frac);
}

/** Formats nanoseconds as `PT<seconds>S` with fixed decimals, never exponent notation. */
export function formatDuration(ns: Nanos): string {
  const n = Math.max(0, Math.round(ns));
  const whole = Math.floor(n / NS_PER_SECOND);
  const frac = n % NS_PER_SECOND;
  if (frac === 0) return `PT${whole}S`;
  const digits = String(frac).padStart(9, '0').replace(/0+$/, '');
  return `PT${whole}.${digits}S`;
}

export function samplesToNanos(samples: number, rate: number): Nanos {
  return Math.round((samples * NS_PER_SECOND) / rate);
}

export function nanosToSamples(ns: Nanos, rate: number): number {
  return Math.round((ns * rate) / NS_PER_SECOND);
}

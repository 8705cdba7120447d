/**
 * Durations are written in seconds in YAML and the environment (the documented
 * keys, see docs/), and carried in milliseconds once parsed: the conversion
 * happens here, at load, and nowhere else.
 */

/** `fooSeconds` keys renamed `fooMs`, their values in milliseconds. */
export type InMs<T, K extends keyof T> = Omit<T, K> & { [P in K as P extends `${infer Base}Seconds` ? `${Base}Ms` : never]: number };

export function inMs<T extends object, K extends keyof T & `${string}Seconds`>(section: T, keys: readonly K[]): InMs<T, K> {
  const out: Record<string, unknown> = { ...(section as Record<string, unknown>) };
  for (const key of keys) {
    out[key.replace(/Seconds$/, 'Ms')] = (section[key] as number) * 1000;
    delete out[key];
  }
  return out as InMs<T, K>;
}

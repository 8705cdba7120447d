/** An endpoint's `events` patterns: exact types, `prefix.*`, or `*` (validated in tenants/config.ts). */
export function matchesEvent(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

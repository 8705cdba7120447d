/**
 * Matching fault and rate-limit rules to requests. A rule names a route as
 * `METHOD /path` or just `/path` (any method), with `*` wildcards; it matches
 * the route template (`/api/v2/users/:userId`) or the concrete path.
 */
import { globMatch } from '../core/glob.js';

export interface RouteKey {
  method: string;
  /** Route template without the `/r/:env` prefix. */
  template: string;
  /** Concrete path without the prefix and query. */
  path: string;
}

export function routeMatches(rule: string, key: RouteKey): boolean {
  if (rule === '*') return true;
  const space = rule.indexOf(' ');
  const method = space > 0 ? rule.slice(0, space).toUpperCase() : undefined;
  const pattern = space > 0 ? rule.slice(space + 1).trim() : rule;
  if (method && method !== '*' && method !== key.method) return false;
  return globMatch(pattern, key.template) || globMatch(pattern, key.path);
}

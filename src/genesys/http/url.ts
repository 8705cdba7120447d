/**
 * Builds request URLs. Every path is resolved against the API base, even an
 * absolute `nextUri`: the bearer token must never travel to another host.
 */
import type { Query } from '../models/common.js';

export function buildUrl(apiBase: string, path: string, query?: Query): string {
  const base = new URL(apiBase);
  const prefix = base.pathname.replace(/\/+$/, '');
  let rel = /^https?:\/\//i.test(path) ? pathAndSearch(path) : path;
  if (!rel.startsWith('/')) rel = `/${rel}`;
  // Listings may echo the base's own path prefix (e.g. an emulator region prefix).
  if (prefix && rel.startsWith(`${prefix}/api/`)) rel = rel.slice(prefix.length);
  const url = new URL(`${base.origin}${prefix}${rel}`);
  appendQuery(url.searchParams, query);
  return url.toString();
}

function pathAndSearch(absolute: string): string {
  const u = new URL(absolute);
  return `${u.pathname}${u.search}`;
}

export function appendQuery(params: URLSearchParams, query?: Query): void {
  if (!query) return;
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      params.delete(key);
      for (const v of value as readonly string[]) params.append(key, v);
    } else {
      params.set(key, String(value));
    }
  }
}

/** Path plus query of a URL, for logs and errors (never carries secrets). */
export function displayPath(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

/**
 * Per-request state (correlation id, region, the caller's token and org)
 * kept beside the request rather than on it, so the emulator does not widen
 * Fastify's request type for the rest of the project.
 */
import type { FastifyRequest } from 'fastify';
import { badRequest } from '../errors.js';
import type { Org } from '../state/model.js';
import type { AccessToken } from '../state/tokens.js';
import type { RouteKey } from './route-match.js';

export interface RequestState {
  correlationId: string;
  env: string;
  auth?: { token: AccessToken; org: Org };
  malformed?: boolean;
}

const states = new WeakMap<FastifyRequest, RequestState>();

export function setState(req: FastifyRequest, s: RequestState): void {
  states.set(req, s);
}

export function stateOf(req: FastifyRequest): RequestState {
  const s = states.get(req);
  if (!s) throw new Error('request state missing (hook order)');
  return s;
}

/** The caller's org; only valid on authenticated API routes. */
export function orgOf(req: FastifyRequest): Org {
  const auth = stateOf(req).auth;
  if (!auth) throw new Error('route used without authentication');
  return auth.org;
}

export function tokenOf(req: FastifyRequest): AccessToken {
  const auth = stateOf(req).auth;
  if (!auth) throw new Error('route used without authentication');
  return auth.token;
}

export function routeKey(req: FastifyRequest): RouteKey {
  const template = (req.routeOptions.url ?? req.url).replace(/^\/r\/:env/, '');
  const path = req.url.split('?')[0]?.replace(/^\/r\/[^/]+/, '') ?? '';
  return { method: req.method, template, path };
}

/**
 * Route generic for path parameters: Fastify's router fills every `:name` of
 * the route's URL, so a handler declared with the names its URL has reads
 * them as strings ("Type-Providers" / "TypeScript" in the Fastify docs).
 */
export interface WithParams<K extends string> {
  Params: Record<K, string>;
}

export type Query = Record<string, string | string[] | undefined>;

/** The query string as Fastify's parser gives it: each name maps to one value or, when repeated, a list. */
export function queryOf(req: FastifyRequest): Query {
  const raw: unknown = req.query;
  const out: Query = {};
  if (raw === null || typeof raw !== 'object') return out;
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) out[k] = v;
  }
  return out;
}

/** A query value as one string (the last one wins when repeated). */
export function q1(query: Query, name: string): string | undefined {
  const v = query[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** A multi-valued query parameter: repeated and/or comma-separated. */
export function qList(query: Query, name: string): string[] {
  const v = query[name];
  const all = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return all.flatMap((x) => x.split(',')).map((x) => x.trim()).filter((x) => x.length > 0);
}

export function qInt(query: Query, name: string, fallback: number): number {
  const v = q1(query, name);
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`${name} must be an integer (got ${JSON.stringify(v)})`, 'invalid.value', [{ fieldName: name }]);
  return n;
}

export function qBool(query: Query, name: string, fallback: boolean): boolean {
  const v = q1(query, name);
  if (v === undefined) return fallback;
  if (v !== 'true' && v !== 'false') throw badRequest(`${name} must be true or false (got ${JSON.stringify(v)})`, 'invalid.value', [{ fieldName: name }]);
  return v === 'true';
}

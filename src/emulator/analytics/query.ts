/**
 * `POST /api/v2/analytics/conversations/details/query` and the async job
 * query (Genesys Cloud docs, "Analytics conversation detail query", Genesys Cloud docs, "Analytics conversation details jobs"): validation with Genesys' limits, interval
 * semantics, filters, ordering and paging — over records already built.
 */
import { z } from 'zod';
import { badRequest, describeIssues } from '../errors.js';
import { checkFilters, CONVERSATION_DIMENSIONS, filterHolds, filterSchema, SEGMENT_DIMENSIONS, type Filter } from './filters.js';

type Json = Record<string, unknown>;
const DAY = 86_400_000;

const common = {
  interval: z.string(),
  order: z.enum(['asc', 'desc', 'unordered']).default('asc'),
  orderBy: z.enum(['conversationStart', 'conversationEnd', 'segmentStart', 'segmentEnd']).default('conversationStart'),
  conversationFilters: z.array(filterSchema).default([]),
  segmentFilters: z.array(filterSchema).default([]),
  evaluationFilters: z.array(z.unknown()).default([]),
  surveyFilters: z.array(z.unknown()).default([]),
  resolutionFilters: z.array(z.unknown()).default([]),
};
export const syncQuerySchema = z.strictObject({
  ...common,
  paging: z.strictObject({ pageSize: z.number().int(), pageNumber: z.number().int() }).partial().optional(),
  aggregations: z.array(z.unknown()).default([]),
});
export const jobQuerySchema = z.strictObject({ ...common, limit: z.number().int().positive().optional(), startOfDayIntervalMatching: z.boolean().default(false) });

export type SyncQuery = z.infer<typeof syncQuerySchema>;
export type JobQuery = z.infer<typeof jobQuerySchema>;

export interface Interval {
  start: number;
  end: number;
}

export function parseInterval(text: string, maxDays: number): Interval {
  const [a, b, extra] = text.split('/');
  const start = Date.parse(a ?? '');
  const end = Date.parse(b ?? '');
  if (extra !== undefined || Number.isNaN(start) || Number.isNaN(end)) throw badRequest(`interval must be "<ISO start>/<ISO end>" (got ${JSON.stringify(text)})`, 'invalid.value', [{ fieldName: 'interval' }]);
  if (end <= start) throw badRequest('interval end must be after its start', 'invalid.value', [{ fieldName: 'interval' }]);
  if (end - start > maxDays * DAY) throw badRequest(`interval must not exceed ${maxDays} days; use an async details job for longer periods`, 'invalid.value', [{ fieldName: 'interval' }]);
  return { start, end };
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw badRequest(`Invalid query: ${describeIssues(r.error.issues)}`, 'invalid.value');
  return r.data;
}

function checkCommon(q: { conversationFilters: Filter[]; segmentFilters: Filter[]; evaluationFilters: unknown[]; surveyFilters: unknown[]; resolutionFilters: unknown[] }): void {
  checkFilters(q.conversationFilters, CONVERSATION_DIMENSIONS, 'conversationFilters');
  checkFilters(q.segmentFilters, SEGMENT_DIMENSIONS, 'segmentFilters');
  for (const k of ['evaluationFilters', 'surveyFilters', 'resolutionFilters'] as const) {
    if (q[k].length > 0) throw badRequest(`${k} are not supported by the emulator`, 'invalid.value', [{ fieldName: k }]);
  }
}

export function parseSyncQuery(body: unknown, limits: { maxPageSize: number; maxResults: number; maxIntervalDays: number }): { q: SyncQuery; interval: Interval; pageSize: number; pageNumber: number } {
  const q = parse(syncQuerySchema, body);
  const interval = parseInterval(q.interval, limits.maxIntervalDays);
  checkCommon(q);
  if (q.aggregations.length > 0) throw badRequest('aggregations are not supported by the emulator', 'invalid.value', [{ fieldName: 'aggregations' }]);
  const pageSize = q.paging?.pageSize ?? 25;
  const pageNumber = q.paging?.pageNumber ?? 1;
  if (pageSize < 1 || pageSize > limits.maxPageSize) throw badRequest(`paging.pageSize must be between 1 and ${limits.maxPageSize} (got ${pageSize})`, 'invalid.value', [{ fieldName: 'paging.pageSize' }]);
  if (pageNumber < 1) throw badRequest(`paging.pageNumber must be at least 1 (got ${pageNumber})`, 'invalid.value', [{ fieldName: 'paging.pageNumber' }]);
  if (pageNumber * pageSize > limits.maxResults) throw badRequest(`Paging is limited to the first ${limits.maxResults} results (pageNumber × pageSize = ${pageNumber * pageSize}); use an async details job`, 'invalid.value', [{ fieldName: 'paging' }]);
  return { q, interval, pageSize, pageNumber };
}

export function parseJobQuery(body: unknown): { q: JobQuery; interval: Interval } {
  const q = parse(jobQuerySchema, body);
  const interval = parseInterval(q.interval, Number.POSITIVE_INFINITY);
  checkCommon(q);
  return { q, interval };
}

const dayStart = (ms: number) => Math.floor(ms / DAY) * DAY;
const time = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : undefined);

/** The conversation was active at some point in [start, end): it started before the end and had not ended before the start. */
export function overlaps(rec: Json, iv: Interval): boolean {
  const start = time(rec.conversationStart) ?? Infinity;
  const end = time(rec.conversationEnd);
  return start < iv.end && (end === undefined || end >= iv.start);
}

/** Sync query rule: it started on a UTC day the interval touches. */
export function startedOnTouchedDay(rec: Json, iv: Interval): boolean {
  const start = time(rec.conversationStart) ?? Infinity;
  return start >= dayStart(iv.start) && start < dayStart(iv.end - 1) + DAY;
}

export function startedOnOrAfterIntervalDay(rec: Json, iv: Interval): boolean {
  return (time(rec.conversationStart) ?? -Infinity) >= dayStart(iv.start);
}

function conversationLookup(rec: Json): (d: string) => unknown {
  return (d) => (d === 'divisionId' ? (rec.divisionIds as string[] | undefined)?.[0] : rec[d]);
}

function segmentRows(rec: Json): ((d: string) => unknown)[] {
  const rows: ((d: string) => unknown)[] = [];
  for (const p of (rec.participants ?? []) as Json[]) {
    for (const s of (p.sessions ?? []) as Json[]) {
      for (const seg of (s.segments ?? []) as Json[]) {
        rows.push((d) => seg[d] ?? s[d] ?? p[d] ?? (d === 'conversationId' ? rec.conversationId : undefined));
      }
    }
  }
  return rows;
}

export function matches(rec: Json, q: { conversationFilters: Filter[]; segmentFilters: Filter[] }): boolean {
  const conv = conversationLookup(rec);
  if (!q.conversationFilters.every((f) => filterHolds(f, conv))) return false;
  if (q.segmentFilters.length === 0) return true;
  const rows = segmentRows(rec);
  return q.segmentFilters.every((f) => rows.some((row) => filterHolds(f, row)));
}

function orderKey(rec: Json, by: SyncQuery['orderBy']): number {
  const segs = ((rec.participants ?? []) as Json[]).flatMap((p) => ((p.sessions ?? []) as Json[]).flatMap((s) => (s.segments ?? []) as Json[]));
  if (by === 'conversationEnd') return time(rec.conversationEnd) ?? Infinity;
  if (by === 'segmentStart') return Math.min(...segs.map((s) => time(s.segmentStart) ?? Infinity));
  if (by === 'segmentEnd') return Math.max(...segs.map((s) => time(s.segmentEnd) ?? Infinity));
  return time(rec.conversationStart) ?? Infinity;
}

export function ordered(recs: Json[], order: SyncQuery['order'], by: SyncQuery['orderBy']): Json[] {
  const keyed = recs.map((r) => ({ r, k: orderKey(r, by), id: String(r.conversationId) }));
  keyed.sort((a, b) => a.k - b.k || a.id.localeCompare(b.id));
  if (order === 'desc') keyed.reverse();
  return keyed.map((x) => x.r);
}

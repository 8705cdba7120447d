/**
 * The analytics filter grammar (Genesys Cloud docs, "Analytics conversation detail query"): filters of predicates and
 * clauses combined with and/or; predicates match, exist or not-exist on a
 * dimension, or compare a range. Conversation predicates look at the record;
 * segment predicates look at one segment with its session and participant —
 * a segment filter matches when some segment satisfies it as a whole.
 */
import { z } from 'zod';
import { badRequest } from '../errors.js';

const range = z.strictObject({ gt: z.union([z.number(), z.string()]), gte: z.union([z.number(), z.string()]), lt: z.union([z.number(), z.string()]), lte: z.union([z.number(), z.string()]) }).partial();

export const predicateSchema = z.strictObject({
  type: z.enum(['dimension', 'property', 'metric']).optional(),
  dimension: z.string().optional(),
  metric: z.string().optional(),
  property: z.string().optional(),
  propertyType: z.string().optional(),
  operator: z.enum(['matches', 'exists', 'notExists']).optional(),
  value: z.string().optional(),
  range: range.optional(),
});
export const clauseSchema = z.strictObject({ type: z.enum(['and', 'or']), predicates: z.array(predicateSchema).min(1) });
export const filterSchema = z.strictObject({
  type: z.enum(['and', 'or']),
  clauses: z.array(clauseSchema).optional(),
  predicates: z.array(predicateSchema).optional(),
});

export type Predicate = z.infer<typeof predicateSchema>;
export type Filter = z.infer<typeof filterSchema>;

/** Resolves a dimension to its values in one context (undefined = absent). */
export type Lookup = (dimension: string) => unknown;

export const CONVERSATION_DIMENSIONS = ['conversationId', 'conversationStart', 'conversationEnd', 'originatingDirection', 'divisionId', 'mediaStatsMinConversationMos'];
export const SEGMENT_DIMENSIONS = [
  'userId', 'queueId', 'mediaType', 'purpose', 'direction', 'segmentType', 'wrapUpCode', 'wrapUpNote', 'disconnectType',
  'participantName', 'sessionId', 'ani', 'dnis', 'segmentStart', 'segmentEnd', 'conversationId', 'peerId', 'provider',
];

export function checkFilters(filters: Filter[], known: string[], where: string): void {
  for (const f of filters) {
    if (!f.predicates?.length && !f.clauses?.length) throw badRequest(`${where}: a filter needs predicates or clauses`, 'invalid.value');
    for (const p of [...(f.predicates ?? []), ...(f.clauses ?? []).flatMap((c) => c.predicates)]) {
      if (p.type === 'metric' || p.metric || p.type === 'property' || p.property) throw badRequest(`${where}: metric and property predicates are not supported by the emulator`, 'invalid.value');
      if (!p.dimension) throw badRequest(`${where}: a predicate needs a dimension`, 'invalid.value');
      if (!known.includes(p.dimension)) throw badRequest(`${where}: dimension ${p.dimension} is not supported here (supported: ${known.join(', ')})`, 'invalid.value');
      const op = p.operator ?? 'matches';
      if (op === 'matches' && p.value === undefined && p.range === undefined) throw badRequest(`${where}: predicate on ${p.dimension} needs a value or a range`, 'invalid.value');
    }
  }
}

function comparable(v: unknown): number | string {
  if (typeof v === 'number') return v;
  const s = String(v);
  const t = Date.parse(s);
  return /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(t) ? t : s;
}

function inRange(v: unknown, r: NonNullable<Predicate['range']>): boolean {
  const x = comparable(v);
  const ok = (bound: number | string | undefined, test: (a: number | string, b: number | string) => boolean) => bound === undefined || test(x, comparable(bound));
  return ok(r.gt, (a, b) => a > b) && ok(r.gte, (a, b) => a >= b) && ok(r.lt, (a, b) => a < b) && ok(r.lte, (a, b) => a <= b);
}

export function predicateHolds(p: Predicate, lookup: Lookup): boolean {
  const v = lookup(p.dimension as string);
  const op = p.operator ?? 'matches';
  if (op === 'exists') return v !== undefined;
  if (op === 'notExists') return v === undefined;
  if (v === undefined) return false;
  if (p.range) return inRange(v, p.range);
  return String(v) === p.value;
}

function combine(type: 'and' | 'or', results: boolean[]): boolean {
  return type === 'and' ? results.every(Boolean) : results.some(Boolean);
}

export function filterHolds(f: Filter, lookup: Lookup): boolean {
  const results = [
    ...(f.predicates ?? []).map((p) => predicateHolds(p, lookup)),
    ...(f.clauses ?? []).map((c) => combine(c.type, c.predicates.map((p) => predicateHolds(p, lookup)))),
  ];
  return combine(f.type, results);
}

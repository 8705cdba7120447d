/**
 * Builds details queries for the common case: "conversations in this interval
 * handled by these users/queues". Pure.
 */
import type { AnalyticsMediaType, ConversationQuery, QueryFilter, QueryPredicate } from '../models/analytics.js';

export interface DetailsQueryInput {
  from: Date;
  to: Date;
  /** Any of these users took part (segment filter, or-ed). */
  userIds?: readonly string[];
  /** Any of these queues was involved (segment filter, or-ed). */
  queueIds?: readonly string[];
  mediaType?: AnalyticsMediaType;
  /**
   * Only finished conversations (default true): in-progress ones keep
   * changing and shift the pages under the reader.
   */
  endedOnly?: boolean;
  order?: 'asc' | 'desc';
  orderBy?: ConversationQuery['orderBy'];
}

export function formatInterval(from: Date, to: Date): string {
  if (!(to.getTime() > from.getTime())) throw new RangeError('interval end must be after its start');
  return `${from.toISOString()}/${to.toISOString()}`;
}

const anyOf = (dimension: string, values: readonly string[]): { type: 'or'; predicates: QueryPredicate[] } => ({
  type: 'or',
  predicates: values.map((value) => ({ type: 'dimension', dimension, operator: 'matches', value })),
});

export function detailsQuery(input: DetailsQueryInput): ConversationQuery {
  const clauses = [];
  if (input.userIds?.length) clauses.push(anyOf('userId', input.userIds));
  if (input.queueIds?.length) clauses.push(anyOf('queueId', input.queueIds));
  const predicates: QueryPredicate[] = input.mediaType ? [{ type: 'dimension', dimension: 'mediaType', operator: 'matches', value: input.mediaType }] : [];
  const segmentFilters: QueryFilter[] = clauses.length || predicates.length ? [{ type: 'and', ...(clauses.length ? { clauses } : {}), ...(predicates.length ? { predicates } : {}) }] : [];
  const conversationFilters: QueryFilter[] =
    input.endedOnly === false ? [] : [{ type: 'and', predicates: [{ type: 'dimension', dimension: 'conversationEnd', operator: 'exists' }] }];
  return {
    interval: formatInterval(input.from, input.to),
    order: input.order ?? 'asc',
    orderBy: input.orderBy ?? 'conversationStart',
    ...(conversationFilters.length ? { conversationFilters } : {}),
    ...(segmentFilters.length ? { segmentFilters } : {}),
  };
}

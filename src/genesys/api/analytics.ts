/**
 * Analytics conversation details: by id, multi-get, sync query with paging,
 * async jobs (Genesys Cloud docs, "Analytics conversation detail query", Genesys Cloud docs, "Analytics conversation details jobs").
 */
import { AnalyticsJobError, GenesysError, PagingLimitError } from '../errors.js';
import { paginateCursor, type PageOptions } from '../http/paging.js';
import type {
  AnalyticsConversation,
  AsyncConversationQuery,
  AsyncQueryResultsPage,
  AsyncQueryStatus,
  ConversationQuery,
  ConversationQueryResponse,
  DataAvailability,
} from '../models/analytics.js';
import { normalizeAnalyticsConversation } from '../models/normalize.js';
import { bodyOf, seg, type ApiContext } from './context.js';
import { pollUntil, type PollOptions } from './poll.js';

/** Sync queries cannot page past pageNumber × pageSize = 10,000 (Genesys Cloud docs, "Analytics conversation detail query"). */
export const MAX_QUERY_RECORDS = 10_000;
/** Multi-get ids per request [INFER: the API documents no limit; 100 keeps URLs short]. */
const IDS_PER_GET = 100;

export interface QueryOptions {
  /** Default 100 (the documented maximum). */
  pageSize?: number;
  signal?: AbortSignal;
}

export interface AnalyticsJobsApi {
  /** Returns the job id. */
  submit(query: AsyncConversationQuery): Promise<string>;
  status(jobId: string): Promise<AsyncQueryStatus>;
  /** Waits for FULFILLED; throws AnalyticsJobError on FAILED/CANCELLED/EXPIRED. */
  waitFor(jobId: string, opts?: PollOptions): Promise<AsyncQueryStatus>;
  /** All results, following the cursor. */
  results(jobId: string, opts?: PageOptions): AsyncIterable<AnalyticsConversation>;
  cancel(jobId: string): Promise<void>;
  /** Data-lake watermark: job results are complete only before it. */
  availability(): Promise<DataAvailability>;
}

export interface AnalyticsApi {
  /** `null` while the conversation is not (yet) indexed: a 404 here is normal. */
  conversation(conversationId: string): Promise<AnalyticsConversation | null>;
  /** Multi-get; unknown ids are simply absent from the result. */
  conversations(conversationIds: readonly string[]): Promise<AnalyticsConversation[]>;
  /** One raw page (with totalHits and aggregations). */
  queryPage(query: ConversationQuery, paging: { pageNumber: number; pageSize: number }): Promise<ConversationQueryResponse>;
  /**
   * Every matching conversation, page by page, each conversationId once even
   * when pages shift under us. Throws PagingLimitError when the matches exceed
   * what sync paging can reach.
   */
  query(query: ConversationQuery, opts?: QueryOptions): AsyncIterable<AnalyticsConversation>;
  jobs: AnalyticsJobsApi;
}

const BASE = '/api/v2/analytics/conversations';

export function analyticsApi(ctx: ApiContext): AnalyticsApi {
  const queryPage = async (query: ConversationQuery, paging: { pageNumber: number; pageSize: number }, signal?: AbortSignal) => {
    // A details query is a read: safe to repeat on 5xx.
    const res = await ctx.request<Partial<ConversationQueryResponse>>('POST', `${BASE}/details/query`, { body: { ...query, paging }, idempotent: true, signal });
    const b = res.body ?? {};
    return {
      conversations: (b.conversations ?? []).map(normalizeAnalyticsConversation),
      aggregations: b.aggregations ?? [],
      totalHits: typeof b.totalHits === 'number' ? b.totalHits : 0,
    };
  };

  return {
    async conversation(id) {
      const res = await ctx.request<unknown>('GET', `${BASE}/${seg(id)}/details`, { accept: [404] });
      return res.status === 404 ? null : normalizeAnalyticsConversation(res.body);
    },
    async conversations(ids) {
      const out: AnalyticsConversation[] = [];
      for (let i = 0; i < ids.length; i += IDS_PER_GET) {
        const chunk = ids.slice(i, i + IDS_PER_GET);
        const res = await ctx.request<{ conversations?: unknown[] }>('GET', `${BASE}/details`, { query: { id: chunk.join(',') } });
        out.push(...(res.body?.conversations ?? []).map(normalizeAnalyticsConversation));
      }
      return out;
    },
    queryPage: (query, paging) => queryPage(query, paging),
    query: (query, opts = {}) => iterateQuery(opts, (paging) => queryPage(query, paging, opts.signal)),
    jobs: jobsApi(ctx),
  };
}

async function* iterateQuery(
  opts: QueryOptions,
  fetchPage: (paging: { pageNumber: number; pageSize: number }) => Promise<ConversationQueryResponse>,
): AsyncGenerator<AnalyticsConversation> {
  const pageSize = opts.pageSize ?? 100;
  const seen = new Set<string>();
  for (let pageNumber = 1; ; pageNumber++) {
    const page = await fetchPage({ pageNumber, pageSize });
    // Fail before yielding anything: a silently truncated reconciliation is worse than an error.
    if (pageNumber === 1 && page.totalHits > MAX_QUERY_RECORDS) throw new PagingLimitError(page.totalHits, MAX_QUERY_RECORDS);
    for (const c of page.conversations) {
      if (seen.has(c.conversationId)) continue; // pages shifted: already delivered
      seen.add(c.conversationId);
      yield c;
    }
    if (page.conversations.length < pageSize || pageNumber * pageSize >= page.totalHits) return;
    // totalHits grew while we paged: the rest is out of reach of sync paging.
    if ((pageNumber + 1) * pageSize > MAX_QUERY_RECORDS) throw new PagingLimitError(page.totalHits, MAX_QUERY_RECORDS);
  }
}

const TERMINAL_FAILURES = new Set(['FAILED', 'CANCELLED', 'EXPIRED']);

function jobsApi(ctx: ApiContext): AnalyticsJobsApi {
  const status = async (jobId: string) => bodyOf(await ctx.request<AsyncQueryStatus>('GET', `${BASE}/details/jobs/${seg(jobId)}`), `analytics job ${jobId} status`);
  return {
    async submit(query) {
      // Not idempotent, but a duplicate job only costs an unused result set that expires.
      const res = await ctx.request<{ jobId: string }>('POST', `${BASE}/details/jobs`, { body: query, idempotent: true });
      if (!res.body?.jobId) throw new GenesysError('analytics job submission answered without a jobId');
      return res.body.jobId;
    },
    status,
    waitFor: (jobId, opts) =>
      pollUntil(
        ctx,
        `analytics job ${jobId}`,
        async () => {
          const s = await status(jobId);
          if (TERMINAL_FAILURES.has(s.state)) throw new AnalyticsJobError(jobId, s.state, s.errorMessage);
          return s.state === 'FULFILLED' ? s : undefined;
        },
        opts,
      ),
    results: (jobId, opts = {}) =>
      (async function* () {
        const pages = paginateCursor<AsyncQueryResultsPage, unknown>(ctx.request, `${BASE}/details/jobs/${seg(jobId)}/results`, (p) => p.conversations, opts);
        for await (const c of pages) yield normalizeAnalyticsConversation(c);
      })(),
    async cancel(jobId) {
      await ctx.request('DELETE', `${BASE}/details/jobs/${seg(jobId)}`, { accept: [404] });
    },
    async availability() {
      return bodyOf(await ctx.request<DataAvailability>('GET', `${BASE}/details/jobs/availability`), 'analytics data availability');
    },
  };
}

/**
 * Analytics conversation details (Genesys Cloud docs, "Analytics conversation detail query"): by id (404 until indexed),
 * multi-get, and the synchronous query.
 */
import type { FastifyInstance } from 'fastify';
import type { AnalyticsView } from '../analytics/view.js';
import { matches, ordered, overlaps, parseSyncQuery, startedOnTouchedDay } from '../analytics/query.js';
import type { EmulatorContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { orgOf, qList, queryOf, type WithParams } from '../http/request.js';

export function analyticsRoutes(view: AnalyticsView) {
  return (app: FastifyInstance, ctx: EmulatorContext): void => {
    app.get<WithParams<'conversationId'>>('/api/v2/analytics/conversations/:conversationId/details', async (req) => {
      const id = req.params.conversationId;
      const rec = view.get(orgOf(req).id, id);
      if (!rec) throw notFound(`Conversation ${id} was not found.`);
      return rec;
    });

    app.get('/api/v2/analytics/conversations/details', async (req) => {
      const ids = qList(queryOf(req), 'id');
      if (ids.length === 0) throw badRequest('id is required (comma-separated conversation ids)', 'invalid.value', [{ fieldName: 'id' }]);
      if (ids.length > 100) throw badRequest(`at most 100 ids per request (got ${ids.length})`, 'invalid.value', [{ fieldName: 'id' }]);
      const org = orgOf(req).id;
      return { conversations: ids.map((id) => view.get(org, id)).filter((r) => r !== undefined) };
    });

    app.post('/api/v2/analytics/conversations/details/query', async (req) => {
      const a = ctx.settings().analytics;
      const { q, interval, pageSize, pageNumber } = parseSyncQuery(req.body, a);
      const asOf = view.asOf();
      const hits = view
        .records(orgOf(req).id, asOf, interval.start, interval.end)
        .filter((r) => overlaps(r, interval) && (!a.startedOnTouchedDay || startedOnTouchedDay(r, interval)) && matches(r, q));
      const page = ordered(hits, q.order, q.orderBy).slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
      // An empty result has no `conversations` key (Genesys Cloud docs, "Analytics conversation detail query").
      return page.length > 0 ? { conversations: page, totalHits: hits.length } : { totalHits: hits.length };
    });
  };
}

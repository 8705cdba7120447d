/**
 * `POST /api/v2/recording/batchrequests` and its status (Genesys Cloud docs, "Recording API").
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { notFound } from '../errors.js';
import { stateOf, tokenOf, type WithParams } from '../http/request.js';

export function batchRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post('/api/v2/recording/batchrequests', async (req) => {
    const t = tokenOf(req);
    const b = ctx.batches.submit({ orgId: t.orgId, clientId: t.clientId, env: t.env }, req.body);
    return { id: b.id, selfUri: `/api/v2/recording/batchrequests/${b.id}` };
  });

  app.get<WithParams<'jobId'>>('/api/v2/recording/batchrequests/:jobId', async (req) => {
    const id = req.params.jobId;
    const b = ctx.batches.get(id);
    // Only the submitting client may read it; to anyone else it does not exist.
    if (!b || b.clientId !== tokenOf(req).clientId) throw notFound(`Batch request ${id} was not found.`);
    const env = stateOf(req).env;
    return ctx.batches.status(b, (i) => ctx.media.url({ env, conversationId: i.conversationId, recordingId: i.recordingId, channel: 'S', format: 'WAV_ULAW' }));
  });
}

/**
 * Async details jobs (Genesys Cloud docs, "Analytics conversation details jobs"): submit, status, cursor-paged results,
 * cancel, and the data-lake availability watermark.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Job } from '../analytics/jobs.js';
import type { EmulatorContext } from '../context.js';
import { notFound } from '../errors.js';
import { orgOf, q1, qInt, queryOf, type WithParams } from '../http/request.js';

const BASE = '/api/v2/analytics/conversations/details/jobs';

export function jobRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const jobOf = (req: FastifyRequest<WithParams<'jobId'>>): Job => {
    const id = req.params.jobId;
    const job = ctx.jobs.get(orgOf(req).id, id);
    if (!job) throw notFound(`Job ${id} was not found.`);
    return job;
  };

  app.post(BASE, async (req, reply) => reply.code(202).send({ jobId: ctx.jobs.submit(orgOf(req).id, req.body).id }));

  app.get(`${BASE}/availability`, async () => ({ dataAvailabilityDate: new Date(ctx.jobs.watermark()).toISOString() }));

  app.get<WithParams<'jobId'>>(`${BASE}/:jobId`, async (req) => ctx.jobs.status(jobOf(req)));

  app.get<WithParams<'jobId'>>(`${BASE}/:jobId/results`, async (req) => {
    const q = queryOf(req);
    return ctx.jobs.page(jobOf(req), q1(q, 'cursor'), qInt(q, 'pageSize', ctx.settings().jobs.defaultPageSize));
  });

  app.delete<WithParams<'jobId'>>(`${BASE}/:jobId`, async (req, reply) => {
    const job = jobOf(req);
    const state = ctx.jobs.state(job);
    if (state !== 'FAILED' && state !== 'EXPIRED' && state !== 'CANCELLED') ctx.jobs.force(job, 'CANCELLED');
    return reply.code(204).send();
  });
}

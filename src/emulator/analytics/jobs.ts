/**
 * Async details jobs (Genesys Cloud docs, "Analytics conversation details jobs"). A job's state is a function of the
 * virtual clock — QUEUED, then PENDING, then FULFILLED, later EXPIRED — unless
 * a test forced FAILED/EXPIRED or the client cancelled it. Results are the
 * records as of the data-lake watermark at fulfilment, so they can be built
 * lazily and still be exactly what the job "saw".
 */
import { z } from 'zod';
import type { Rng } from '../core/rng.js';
import { ApiError, badRequest } from '../errors.js';
import type { Settings } from '../settings.js';
import { matches, ordered, overlaps, parseJobQuery, startedOnOrAfterIntervalDay, type Interval, type JobQuery } from './query.js';
import type { AnalyticsView } from './view.js';

type Json = Record<string, unknown>;
export type JobState = 'QUEUED' | 'PENDING' | 'FULFILLED' | 'FAILED' | 'CANCELLED' | 'EXPIRED';

export interface Job {
  id: string;
  orgId: string;
  submittedAt: number;
  q: JobQuery;
  interval: Interval;
  pendingAt: number;
  fulfilledAt: number;
  expiresAt: number;
  forced?: { state: 'FAILED' | 'CANCELLED' | 'EXPIRED'; at: number; errorMessage?: string };
  results?: Json[];
}

export class JobService {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly view: AnalyticsView,
    private readonly now: () => number,
    private readonly settings: () => Settings,
    private readonly rng: Rng,
  ) {}

  /** The data lake's watermark: complete up to here. */
  watermark(at = this.now()): number {
    const j = this.settings().jobs;
    return Math.floor((at - j.dataLakeLagMs) / j.watermarkStepMs) * j.watermarkStepMs;
  }

  /** The next virtual time at which the watermark moves. */
  nextWatermarkMove(at = this.now()): number {
    const j = this.settings().jobs;
    return this.watermark(at) + j.watermarkStepMs + j.dataLakeLagMs;
  }

  submit(orgId: string, body: unknown): Job {
    const { q, interval } = parseJobQuery(body);
    const j = this.settings().jobs;
    const now = this.now();
    if (j.maxConcurrent > 0) {
      const running = [...this.jobs.values()].filter((x) => x.orgId === orgId && ['QUEUED', 'PENDING'].includes(this.state(x))).length;
      if (running >= j.maxConcurrent) throw new ApiError(429, 'too.many.requests', `Too many concurrent jobs: at most ${j.maxConcurrent} may run per organization`, { headers: { 'Retry-After': '5' } });
    }
    const job: Job = { id: this.rng.uuid(), orgId, submittedAt: now, q, interval, pendingAt: now + j.queuedMs, fulfilledAt: now + j.queuedMs + j.pendingMs, expiresAt: now + j.queuedMs + j.pendingMs + j.resultsTtlMs };
    this.jobs.set(job.id, job);
    return job;
  }

  get(orgId: string, id: string): Job | undefined {
    const job = this.jobs.get(id);
    return job && job.orgId === orgId ? job : undefined;
  }

  find(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  state(job: Job, now = this.now()): JobState {
    if (job.forced && now >= job.forced.at) return job.forced.state;
    if (now < job.pendingAt) return 'QUEUED';
    if (now < job.fulfilledAt) return 'PENDING';
    return now < job.expiresAt ? 'FULFILLED' : 'EXPIRED';
  }

  force(job: Job, state: 'FAILED' | 'CANCELLED' | 'EXPIRED', errorMessage?: string): void {
    job.forced = { state, at: this.now(), ...(errorMessage ? { errorMessage } : {}) };
  }

  status(job: Job): Json {
    const state = this.state(job);
    const out: Json = { state, submissionDate: new Date(job.submittedAt).toISOString() };
    if (state === 'FAILED') out.errorMessage = job.forced?.errorMessage ?? 'The job failed';
    if (state === 'FULFILLED' || state === 'EXPIRED') out.completionDate = new Date(job.fulfilledAt).toISOString();
    if (job.forced) out.completionDate = new Date(job.forced.at).toISOString();
    out.expirationDate = new Date(job.expiresAt).toISOString();
    return out;
  }

  /** One page of results; the cursor is opaque to clients. */
  page(job: Job, cursor: string | undefined, pageSize: number): Json {
    const state = this.state(job);
    if (state !== 'FULFILLED') throw badRequest(`Job ${job.id} is ${state}; results are only available while it is FULFILLED`, 'bad.request');
    const max = this.settings().jobs.maxPageSize;
    if (pageSize < 1 || pageSize > max) throw badRequest(`pageSize must be between 1 and ${max} (got ${pageSize})`, 'invalid.value', [{ fieldName: 'pageSize' }]);
    const results = (job.results ??= this.compute(job));
    const offset = cursor === undefined ? 0 : decodeCursor(cursor, job.id);
    const slice = results.slice(offset, offset + pageSize);
    const out: Json = { conversations: slice, dataAvailabilityDate: new Date(this.watermark(job.fulfilledAt)).toISOString() };
    if (offset + pageSize < results.length) out.cursor = encodeCursor(job.id, offset + pageSize);
    return out;
  }

  private compute(job: Job): Json[] {
    const asOf = Math.min(this.watermark(job.fulfilledAt), job.fulfilledAt - this.settings().analytics.availabilityLagMs);
    const hits = this.view
      .records(job.orgId, asOf, job.interval.start, job.interval.end, true)
      .filter((r) => overlaps(r, job.interval) && (!job.q.startOfDayIntervalMatching || startedOnOrAfterIntervalDay(r, job.interval)) && matches(r, job.q));
    const sorted = ordered(hits, job.q.order, job.q.orderBy);
    return job.q.limit !== undefined ? sorted.slice(0, job.q.limit) : sorted;
  }
}

function encodeCursor(jobId: string, offset: number): string {
  return Buffer.from(JSON.stringify({ j: jobId, o: offset })).toString('base64url');
}

const cursorSchema = z.object({ j: z.string(), o: z.number().min(0).refine(Number.isInteger) });

function decodeCursor(cursor: string, jobId: string): number {
  try {
    const c = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (c.success && c.data.j === jobId) return c.data.o;
  } catch {
    // fall through to the error below
  }
  throw badRequest('Invalid cursor for this job', 'invalid.value', [{ fieldName: 'cursor' }]);
}

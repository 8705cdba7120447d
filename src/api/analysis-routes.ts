/**
 * The analysis routes of the read API: a conversation's post-call analysis
 * (metrics, phrases, findings, and the difference to the live analysis) and
 * re-analysis on demand — what `hookline analysis show|rerun` does.
 */
import { z } from 'zod';
import { ConversationNotImportedError, queueReanalysis, type AnalysisStore, type PostCallServiceDeps } from '../analysis/index.js';
import { NotFoundError } from './errors.js';
import { route, type RouteSpec } from './routes.js';
import { conversationParams } from './schemas.js';

/** Analysis as the routes drive it (the analysis capability's store and post-call service). */
export interface AnalysisOperations {
  get(tenant: string, conversationId: string): Promise<z.input<typeof analysisResult> | undefined>;
  /** Throws NotFoundError when the conversation was not imported. */
  rerun(tenant: string, conversationId: string): Promise<{ queued: true; jobId: string }>;
}

const party = z.enum(['customer', 'agent']);

const partyMetrics = z.object({
  talkMs: z.number(),
  talkRatio: z.number().describe("This party's share of the talk (0..1)"),
  interruptions: z.int().describe('Utterances started while the other party spoke'),
  utterances: z.int(),
  syllablesPerSecond: z.number().describe('Speaking-rate proxy'),
  speechLevelDb: z.number().describe('Mean level of this party\'s speech, dBFS'),
  peakDb: z.number(),
  clippedSamples: z.int(),
});

const metrics = z
  .object({
    durationMs: z.number(),
    parties: z.partialRecord(party, partyMetrics),
    silenceMs: z.number().describe('Neither party speaking'),
    longestSilenceMs: z.number(),
    overtalkMs: z.number().describe('Both parties speaking at once'),
  })
  .describe('Acoustic metrics (docs/guidance.md); offsets and durations in ms on the recording\'s timeline');

const span = { startMs: z.number(), endMs: z.number() };
const phrase = z.object({ ...span, party, phrase: z.string(), text: z.string(), confidence: z.number().optional() });
const finding = z.object({ ...span, rule: z.string(), kind: z.string(), party: party.optional(), evidence: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])) });

export const analysisResult = z.object({
  conversationId: z.string(),
  status: z.enum(['done', 'unsupported']).describe('unsupported: no recording in a format the analysis reads (see recordings[].reason)'),
  analyzedAt: z.string(),
  runs: z.int().describe('Analyses of this conversation so far (re-analysis raises it)'),
  importVersion: z.string(),
  metrics: metrics.optional(),
  phrases: z.array(phrase),
  findings: z.array(finding).describe('Guidance rules that fire on the recording (source: post-call)'),
  recordings: z.array(z.object({ recordingId: z.string(), format: z.string(), status: z.enum(['done', 'unsupported']), reason: z.string().optional(), metrics: metrics.optional() })),
  comparison: z.unknown().nullable().describe('Post-call minus live: metric deltas and findings matched by rule; null when the call was not analysed live'),
});

const rerunAnswer = z.object({ queued: z.literal(true), jobId: z.string().describe('The analysis job\'s id on the analysis queue') });

/** The operations over the analysis store and queue: what serve wires and the CLI does. */
export function analysisOperations(store: AnalysisStore, queueing: Pick<PostCallServiceDeps, 'queue' | 'queueName' | 'recordings'>): AnalysisOperations {
  return {
    get: async (tenant, conversationId) => {
      const a = await store.get(tenant, conversationId);
      if (!a) return undefined;
      const { importVersion, metrics, phrases, findings, recordings } = a.analysis;
      return { conversationId, status: a.status, analyzedAt: a.analyzedAt, runs: a.runs, importVersion, metrics, phrases, findings, recordings, comparison: a.comparison ?? null };
    },
    rerun: async (tenant, conversationId) => {
      try {
        return await queueReanalysis(queueing, tenant, conversationId);
      } catch (err) {
        if (err instanceof ConversationNotImportedError) throw new NotFoundError(err.message);
        throw err;
      }
    },
  };
}

export function analysisRoutes(ops: AnalysisOperations | undefined): RouteSpec[] {
  const of = (): AnalysisOperations => {
    if (!ops) throw new NotFoundError('analysis is not enabled in this deployment (analysis.postCall.enabled)');
    return ops;
  };
  return [
    route({
      method: 'GET',
      path: '/api/v1/conversations/{id}/analysis',
      operationId: 'getConversationAnalysis',
      summary: "A conversation's post-call analysis: metrics, phrases, findings and the difference to the live analysis",
      scope: 'read',
      params: conversationParams,
      response: analysisResult,
      handler: async ({ params, principal }) => of().get(principal.tenant, params.id),
    }),
    route({
      method: 'POST',
      path: '/api/v1/conversations/{id}/analysis',
      operationId: 'reanalyzeConversation',
      summary: 'Analyse an imported conversation again from its stored recordings (admin scope); answers once the job is queued',
      scope: 'admin',
      params: conversationParams,
      response: rerunAnswer,
      handler: async ({ params, principal }) => of().rerun(principal.tenant, params.id),
    }),
  ];
}

/**
 * Where analysis results are kept: the post-call analysis of each conversation
 * (one row, replaced by a re-analysis) and what the live analysis saw of each
 * AudioHook session when it ended, so the two can be compared.
 */
import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/index.js';
import type { AnalysisTables } from './tables.js';
import type { AcousticMetrics, Finding, PhraseHit } from './types.js';

export type RecordingStatus = 'done' | 'unsupported';

/** One recording's analysis. */
export interface RecordingAnalysis {
  recordingId: string;
  format: string;
  status: RecordingStatus;
  /** Why it was not analysed (unsupported only). */
  reason?: string | undefined;
  metrics?: AcousticMetrics | undefined;
  phrases: PhraseHit[];
  findings: Finding[];
}

/** The post-call analysis of a conversation: per recording, and the call's figures (its longest recording). */
export interface PostCallAnalysis {
  importVersion: string;
  recordings: RecordingAnalysis[];
  metrics?: AcousticMetrics | undefined;
  phrases: PhraseHit[];
  findings: Finding[];
}

export interface StoredAnalysis {
  tenant: string;
  conversationId: string;
  status: 'done' | 'unsupported';
  analysis: PostCallAnalysis;
  comparison: unknown;
  analyzedAt: string;
  runs: number;
}

export interface LiveSummary {
  sessionId: string;
  metrics: AcousticMetrics;
  findings: Finding[];
  endedAt: string;
}

/** Live findings kept per session: a runaway rule cannot grow a row without bound. */
export const MAX_LIVE_FINDINGS = 200;

export class AnalysisStore {
  private readonly k: Kysely<AnalysisTables>;

  constructor(db: Db) {
    this.k = db.kysely.withTables<AnalysisTables>();
  }

  async get(tenant: string, conversationId: string): Promise<StoredAnalysis | undefined> {
    const r = await this.k.selectFrom('analysis_results').selectAll().where('tenant_id', '=', tenant).where('conversation_id', '=', conversationId).executeTakeFirst();
    if (!r) return undefined;
    return {
      tenant: r.tenant_id,
      conversationId: r.conversation_id,
      status: r.status as StoredAnalysis['status'],
      analysis: JSON.parse(r.result) as PostCallAnalysis,
      comparison: r.comparison === null ? null : (JSON.parse(r.comparison) as unknown),
      analyzedAt: r.analyzed_at,
      runs: Number(r.runs),
    };
  }

  /** Writes (or replaces) the conversation's result; `runs` counts the analyses. */
  async save(tenant: string, conversationId: string, status: StoredAnalysis['status'], analysis: PostCallAnalysis, comparison: unknown, at: string): Promise<void> {
    const values = { import_version: analysis.importVersion, status, result: JSON.stringify(analysis), comparison: comparison === null || comparison === undefined ? null : JSON.stringify(comparison), analyzed_at: at };
    await this.k
      .insertInto('analysis_results')
      .values({ tenant_id: tenant, conversation_id: conversationId, ...values, runs: 1 })
      .onConflict((oc) => oc.columns(['tenant_id', 'conversation_id']).doUpdateSet((eb) => ({ ...values, runs: eb(eb.ref('analysis_results.runs'), '+', 1) })))
      .execute();
  }

  /** Keeps what a live session's analysis saw (idempotent per session: the last write wins). */
  async saveLive(tenant: string, conversationId: string, s: LiveSummary): Promise<void> {
    const values = { metrics: JSON.stringify(s.metrics), findings: JSON.stringify(s.findings.slice(0, MAX_LIVE_FINDINGS)), ended_at: s.endedAt };
    await this.k
      .insertInto('analysis_live')
      .values({ tenant_id: tenant, conversation_id: conversationId, session_id: s.sessionId, ...values })
      .onConflict((oc) => oc.columns(['tenant_id', 'conversation_id', 'session_id']).doUpdateSet(values))
      .execute();
  }

  async live(tenant: string, conversationId: string): Promise<LiveSummary[]> {
    const rows = await this.k.selectFrom('analysis_live').selectAll().where('tenant_id', '=', tenant).where('conversation_id', '=', conversationId).orderBy('ended_at').execute();
    return rows.map((r) => ({ sessionId: r.session_id, metrics: JSON.parse(r.metrics) as AcousticMetrics, findings: JSON.parse(r.findings) as Finding[], endedAt: r.ended_at }));
  }
}

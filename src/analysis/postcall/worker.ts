/**
 * The post-call analysis worker: consumes `<namespace>-analysis` (ingest's
 * hand-off of each imported conversation), computes the acoustic metrics and
 * the tenant's guidance rules on the imported recordings — the same code the
 * live analysis runs — and saves the result with the conversation, compared
 * with what the live analysis saw.
 *
 * Idempotent like the importer: a job for an import already analysed
 * (same import version) is acknowledged without work unless it asks for a
 * re-analysis. The message is acknowledged only after the result is
 * committed; a failure retries with backoff and ends as a dead letter with
 * its reason. A recording we cannot decode is a result ("unsupported", with
 * why), not a failure: retrying cannot help.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Logger } from '../../platform/logging/index.js';
import type { ObjectStore } from '../../platform/objects/index.js';
import { PermanentError, type Message } from '../../platform/queue/index.js';
import type { GuidanceRule } from '../../tenants/index.js';
import { analyzeRecording, type ActivityWindow } from '../acoustic/index.js';
import { createRuleEngine, phrasesOf } from '../rules/index.js';
import type { AnalysisStore, PostCallAnalysis, RecordingAnalysis } from '../store.js';
import type { Finding, PhraseHit } from '../types.js';
import { compareLive } from './compare.js';
import { decodeRecording, UnsupportedRecordingError, type DecodedRecording } from './recording.js';

/** What ingest hands over (ingest's AnalysisJob), plus `force` for a re-analysis on demand. */
export interface AnalysisRequest {
  tenant: string;
  conversationId: string;
  importVersion: string;
  recordings: { recordingId: string; objectKey: string; format: string; sha256?: string; size: number }[];
  importedAt?: string;
  force?: boolean;
}

/** The rule engine as the worker drives it (src/analysis/rules: the live sink runs the same). */
export interface RuleRunner {
  window(w: ActivityWindow): void;
  phrase(hit: PhraseHit): void;
  end(atMs: number): void;
}
export type RuleRunnerFactory = (rules: readonly GuidanceRule[], onFinding: (f: Finding) => void) => RuleRunner;

/** Phrase spotting over a whole recording (the live recognizer, fed as fast as it takes it). */
export type PhraseSpotter = (call: { tenant: string; conversationId: string }, audio: DecodedRecording, phrases: Partial<Record<'customer' | 'agent', readonly string[]>>) => Promise<PhraseHit[]>;

export interface PostCallDeps {
  objects: Pick<ObjectStore, 'get'>;
  store: AnalysisStore;
  /** The tenant's guidance rules; undefined: the tenant is unknown (its job is dead-lettered). */
  rules: (tenant: string) => readonly GuidanceRule[] | undefined;
  /** Default: the guidance rule engine the live analysis runs (src/analysis/rules). */
  ruleEngine?: RuleRunnerFactory | undefined;
  spotPhrases?: PhraseSpotter | undefined;
  /** A recording larger than this is not read into memory (a permanent failure with the reason). */
  maxRecordingBytes: number;
  log: Logger;
  now?: () => number;
}

const FINDINGS_PER_RECORDING = 500;

export class PostCallWorker {
  private readonly now: () => number;
  private readonly ruleEngine: RuleRunnerFactory;

  constructor(private readonly d: PostCallDeps) {
    this.now = d.now ?? Date.now;
    this.ruleEngine = d.ruleEngine ?? ((rules, onFinding) => createRuleEngine({ rules, onFinding }));
  }

  handle = async (m: Message<AnalysisRequest>): Promise<void> => {
    const job = normalize(m.payload);
    const rules = this.d.rules(job.tenant);
    if (!rules) throw new PermanentError(`tenant ${job.tenant} is not configured`);
    if (!job.force) {
      const prev = await this.d.store.get(job.tenant, job.conversationId);
      if (prev && prev.analysis.importVersion === job.importVersion) return void this.d.log.debug({ ...ids(job) }, 'analysis: import already analysed');
    }
    const recordings: RecordingAnalysis[] = [];
    for (const r of job.recordings) recordings.push(await this.analyzeOne(job, r, rules));
    const main = longest(recordings);
    const analysis: PostCallAnalysis = { importVersion: job.importVersion, recordings, metrics: main?.metrics, phrases: main?.phrases ?? [], findings: main?.findings ?? [] };
    const live = await this.d.store.live(job.tenant, job.conversationId);
    const comparison = analysis.metrics ? compareLive(live, analysis.metrics, analysis.findings) : null;
    const status = main ? 'done' : 'unsupported';
    await this.d.store.save(job.tenant, job.conversationId, status, analysis, comparison, new Date(this.now()).toISOString());
    this.d.log.info({ ...ids(job), status, recordings: recordings.length, findings: analysis.findings.length }, 'conversation analysed');
  };

  private async analyzeOne(job: AnalysisRequest, r: AnalysisRequest['recordings'][number], rules: readonly GuidanceRule[]): Promise<RecordingAnalysis> {
    const base = { recordingId: r.recordingId, format: r.format, phrases: [], findings: [] };
    if (r.size > this.d.maxRecordingBytes) throw new PermanentError(`recording ${r.recordingId} is ${r.size} bytes, over analysis.postCall.maxRecordingBytes (${this.d.maxRecordingBytes})`);
    let audio: DecodedRecording;
    try {
      audio = decodeRecording(await readAll(await this.d.objects.get(r.objectKey), this.d.maxRecordingBytes), r.format);
    } catch (err) {
      if (err instanceof UnsupportedRecordingError) return { ...base, status: 'unsupported', reason: err.message };
      throw err;
    }
    const findings: Finding[] = [];
    const engine = this.ruleEngine(rules, (f) => void (findings.length < FINDINGS_PER_RECORDING && findings.push(f)));
    const metrics = analyzeRecording(audio.ulaw, audio.channels, (w) => engine.window(w));
    const phrases = await this.spot(job, audio, rules);
    for (const hit of phrases) engine.phrase(hit);
    engine.end(metrics.durationMs);
    return { ...base, status: 'done', metrics, phrases, findings: findings.sort((a, b) => a.startMs - b.startMs) };
  }

  private async spot(job: AnalysisRequest, audio: DecodedRecording, rules: readonly GuidanceRule[]): Promise<PhraseHit[]> {
    const phrases = phrasesOf(rules);
    if (!this.d.spotPhrases || Object.keys(phrases).length === 0) return [];
    return this.d.spotPhrases({ tenant: job.tenant, conversationId: job.conversationId }, audio, phrases);
  }
}

const ids = (j: AnalysisRequest) => ({ orgId: j.tenant, conversationId: j.conversationId });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Ids lower-cased at the boundary; a job without them cannot be analysed (dead letter, with the reason). */
function normalize(p: AnalysisRequest): AnalysisRequest {
  const tenant = typeof p?.tenant === 'string' ? p.tenant.toLowerCase() : '';
  const conversationId = typeof p?.conversationId === 'string' ? p.conversationId.toLowerCase() : '';
  if (!UUID.test(tenant) || !UUID.test(conversationId)) throw new PermanentError('analysis job without a tenant and conversation id (UUIDs)');
  if (!Array.isArray(p.recordings) || typeof p.importVersion !== 'string') throw new PermanentError('analysis job without recordings or importVersion');
  return { ...p, tenant, conversationId };
}

/** The recording the call's figures are taken from: the longest one analysed. */
function longest(rs: readonly RecordingAnalysis[]): RecordingAnalysis | undefined {
  return rs.filter((r) => r.status === 'done').sort((a, b) => (b.metrics?.durationMs ?? 0) - (a.metrics?.durationMs ?? 0))[0];
}

async function readAll(stream: Readable, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream) {
    n += (chunk as Buffer).length;
    if (n > max) {
      stream.destroy();
      throw new PermanentError(`recording larger than analysis.postCall.maxRecordingBytes (${max})`);
    }
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

/** The import version of a re-analysis built from what is stored: a digest of the stored recordings. */
export function storedVersion(recordings: readonly { objectKey: string; sha256?: string }[]): string {
  return createHash('sha256').update(JSON.stringify(recordings.map((r) => [r.objectKey, r.sha256 ?? '']))).digest('hex').slice(0, 32);
}

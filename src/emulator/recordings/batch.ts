/**
 * Batch recording downloads (Genesys Cloud docs, "Recording API"): up to N items per request;
 * results appear one by one on the virtual clock (never before a recording is
 * transcoded), missing recordings come back as `errorMsg` results, and only
 * the submitting OAuth client may read the job.
 */
import { z } from 'zod';
import type { Call, CallEngine } from '../calls/engine.js';
import type { Rng } from '../core/rng.js';
import { badRequest, describeIssues } from '../errors.js';
import type { Settings } from '../settings.js';
import { readyAt } from './recordings.js';

type Json = Record<string, unknown>;

const itemSchema = z.object({ conversationId: z.string().min(1), recordingId: z.string().min(1).optional() });
export const batchSchema = z.object({ batchDownloadRequestList: z.array(itemSchema).min(1) });

interface Item {
  conversationId: string;
  recordingId?: string;
  /** When the result shows up. */
  at: number;
  error?: string;
}

export interface Batch {
  id: string;
  orgId: string;
  clientId: string;
  env: string;
  items: Item[];
}

export class BatchService {
  private readonly batches = new Map<string, Batch>();

  constructor(
    private readonly calls: CallEngine,
    private readonly now: () => number,
    private readonly settings: () => Settings,
    private readonly rng: Rng,
  ) {}

  submit(owner: { orgId: string; clientId: string; env: string }, body: unknown): Batch {
    const r = batchSchema.safeParse(body ?? {});
    if (!r.success) throw badRequest(`Invalid batch request: ${describeIssues(r.error.issues)}`, 'invalid.value');
    const s = this.settings().recordings;
    const list = r.data.batchDownloadRequestList;
    if (list.length > s.batchMaxItems) throw badRequest(`A batch may hold at most ${s.batchMaxItems} items (got ${list.length})`, 'invalid.value', [{ fieldName: 'batchDownloadRequestList' }]);
    const now = this.now();
    const items = list.map((req, i) => this.expand(owner.orgId, req, now + (i + 1) * s.batchItemDelayMs, s.transcodeDelayMs));
    const batch: Batch = { id: this.rng.uuid(), ...owner, items };
    this.batches.set(batch.id, batch);
    return batch;
  }

  get(id: string): Batch | undefined {
    return this.batches.get(id);
  }

  status(b: Batch, resultUrl: (item: { conversationId: string; recordingId: string }) => string): Json {
    const now = this.now();
    const done = b.items.filter((i) => i.at <= now);
    const results = done.map((i) =>
      i.error || !i.recordingId
        ? { conversationId: i.conversationId, ...(i.recordingId ? { recordingId: i.recordingId } : {}), errorMsg: i.error ?? 'Recording not found' }
        : { conversationId: i.conversationId, recordingId: i.recordingId, resultUrl: resultUrl({ conversationId: i.conversationId, recordingId: i.recordingId }), contentType: 'audio/wav' },
    );
    return {
      id: b.id,
      jobId: b.id,
      expectedResultCount: b.items.length,
      resultCount: results.length,
      errorCount: results.filter((r) => 'errorMsg' in r).length,
      status: results.length === b.items.length ? 'Completed' : 'InProgress',
      results,
      selfUri: `/api/v2/recording/batchrequests/${b.id}`,
    };
  }

  private expand(orgId: string, req: { conversationId: string; recordingId?: string | undefined }, at: number, transcodeDelayMs: number): Item {
    const call: Call | undefined = this.calls.get(req.conversationId);
    const base = { conversationId: req.conversationId, ...(req.recordingId ? { recordingId: req.recordingId } : {}) };
    if (!call || call.timeline.orgId !== orgId) return { ...base, at, error: 'Conversation not found' };
    const rec = call.timeline.recording;
    if (!rec || (req.recordingId && req.recordingId !== rec.id)) return { ...base, at, error: 'Recording not found' };
    return { conversationId: req.conversationId, recordingId: rec.id, at: Math.max(at, readyAt(call.timeline, transcodeDelayMs)) };
  }
}

/**
 * The ingest section of the configuration: post-call import, its retries and
 * reconciliation. Composed into the whole configuration by src/app/config.ts.
 */
import { z } from 'zod';
import { inMs, type DeepReadonly } from '../platform/config/index.js';

export const ingestSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    concurrency: z.number().int().positive().default(4),
    /** Deliveries before a conversation that keeps failing becomes a dead letter. */
    maxAttempts: z.number().int().positive().default(15),
    /** Wait this long after a call ends before the first fetch (analytics lag behind events). */
    firstAttemptDelaySeconds: z.number().min(0).default(15),
    retryBaseSeconds: z.number().positive().default(5),
    retryMaxSeconds: z.number().positive().default(900),
    recordingFormat: z.enum(['WAV_ULAW', 'WAV', 'WEBM', 'OGG_VORBIS', 'OGG_OPUS', 'MP3']).default('WAV_ULAW'),
    /** Extra time reconciliation looks back beyond its 24 h window. */
    reconcileOverlapMinutes: z.number().min(0).default(60),
    /** Reconciliation never reads the most recent seconds: conversations still settling shift the pages. */
    reconcileSettleSeconds: z.number().min(0).default(60),
    /** After a notifications outage, reconcile its window this long later (analytics lag behind events), and again an hour later. */
    gapReconcileDelaySeconds: z.number().min(0).default(120),
    /**
     * Lease of a consumer's claim on a conversation it imports, renewed every third of it while it works: a
     * crashed consumer's conversation is taken over after at most this long. Well above a database round trip.
     */
    claimLeaseSeconds: z.number().min(1).default(30),
    /** Imported conversations that started this many hours ago or less are re-read for late wrap-ups, surveys and evaluations. */
    attachmentsWindowHours: z.number().positive().default(72),
    /** Time between late-attachments passes (once across replicas); 0 turns the pass off. */
    attachmentsIntervalSeconds: z.number().min(0).default(3600),
  })
  .transform((s) => {
    const { attachmentsWindowHours, ...rest } = inMs(s, ['firstAttemptDelaySeconds', 'retryBaseSeconds', 'retryMaxSeconds', 'reconcileSettleSeconds', 'gapReconcileDelaySeconds', 'claimLeaseSeconds', 'attachmentsIntervalSeconds']);
    return { ...rest, attachmentsWindowMs: attachmentsWindowHours * 3600_000 };
  })
  .prefault({});

export type IngestConfig = DeepReadonly<z.infer<typeof ingestSchema>>;

/**
 * The analysis section of the configuration (docs/guidance-postcall.md):
 * the post-call worker. Composed into the whole configuration by
 * src/app/config.ts. Which calls are analysed, and the rules, are per tenant
 * (`tenants[].guidance`).
 */
import { z } from 'zod';
import { inMs } from '../platform/config/index.js';

export const postCallSchema = z
  .strictObject({
    /** Consume `<namespace>-analysis` (ingest's hand-off) in this replica. */
    enabled: z.boolean().default(true),
    concurrency: z.number().int().positive().max(64).default(2),
    /** Deliveries before a conversation that keeps failing becomes a dead letter. */
    maxAttempts: z.number().int().positive().default(8),
    retryBaseSeconds: z.number().positive().default(5),
    retryMaxSeconds: z.number().positive().default(900),
    /** A recording is read into memory to be analysed: larger ones fail with this reason (an hour of stereo µ-law is 57.6 MB). */
    maxRecordingBytes: z.number().int().positive().default(256 * 1024 * 1024),
  })
  .transform((s) => inMs(s, ['retryBaseSeconds', 'retryMaxSeconds']))
  .prefault({});

export const analysisSchema = z.strictObject({ postCall: postCallSchema }).prefault({});

export type AnalysisConfig = z.infer<typeof analysisSchema>;
export type PostCallConfig = AnalysisConfig['postCall'];

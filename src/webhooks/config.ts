/**
 * The webhooks section of the configuration: how outbound webhook delivery of
 * common events runs (the endpoints themselves are tenant settings). Composed
 * into the whole configuration by src/app/config.ts.
 */
import { z } from 'zod';
import { inMs, type DeepReadonly } from '../platform/config/index.js';

export const webhooksSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** How often the outbox is scanned for events no delivery has picked up (other replicas' commits, restarts). */
    sweepIntervalSeconds: z.number().positive().default(2),
    /** One request's limit; a request that takes longer is retried like a network error. */
    timeoutSeconds: z.number().positive().default(10),
    /** An event is retried this long after its first attempt, then marked failed and its conversation moves on. */
    retryForSeconds: z.number().positive().default(86_400),
    /** First retry after this, doubling up to retryMaxSeconds. */
    retryBaseSeconds: z.number().positive().default(5),
    retryMaxSeconds: z.number().positive().default(3600),
    /** Requests in flight at once in this process, in total and per endpoint. */
    concurrency: z.number().int().positive().default(16),
    perEndpointConcurrency: z.number().int().positive().default(4),
  })
  .refine((s) => s.retryBaseSeconds <= s.retryMaxSeconds, { message: 'must not exceed webhooks.retryMaxSeconds', path: ['retryBaseSeconds'] })
  .refine((s) => s.perEndpointConcurrency <= s.concurrency, { message: 'must not exceed webhooks.concurrency', path: ['perEndpointConcurrency'] })
  .transform((s) => inMs(s, ['sweepIntervalSeconds', 'timeoutSeconds', 'retryForSeconds', 'retryBaseSeconds', 'retryMaxSeconds']))
  .prefault({});

export type WebhooksConfig = DeepReadonly<z.infer<typeof webhooksSchema>>;

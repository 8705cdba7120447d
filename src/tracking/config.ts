/**
 * The tracking section of the configuration: how often monitored groups are
 * re-read and how long a tenant's leader lease lasts. Composed into the whole
 * configuration by src/app/config.ts.
 */
import { z } from 'zod';
import { inMs, type DeepReadonly } from '../platform/config/index.js';

export const trackingSchema = z
  .strictObject({
    /** How often each tenant's monitored group is re-read. */
    syncIntervalSeconds: z.number().positive().default(300),
    /** Leader lease per tenant; a dead leader is replaced within about this long. */
    leaseTtlSeconds: z.number().positive().default(10),
  })
  .transform((s) => inMs(s, ['syncIntervalSeconds', 'leaseTtlSeconds']))
  .prefault({});

export type TrackingConfig = DeepReadonly<z.infer<typeof trackingSchema>>;

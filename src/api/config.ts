/**
 * The `api` section: the read API on the admin listener (the `metrics`
 * section's host and port) and the Data Action endpoint on the public one.
 */
import { z } from 'zod';

export const apiSchema = z
  .strictObject({
    /** Serve the read API (`/api/v1/…` on the admin listener) and the Data Action endpoint (public listener). */
    enabled: z.boolean().default(true),
  })
  .prefault({});

export type ApiConfig = z.infer<typeof apiSchema>;

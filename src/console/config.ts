/**
 * The `console` section: the operator web console on the admin listener
 * (`/console/`, the `metrics` section's host and port). Composed into the
 * whole configuration by src/app/config.ts.
 */
import { z } from 'zod';
import { inMs, type DeepReadonly } from '../platform/config/index.js';

export const consoleSchema = z
  .strictObject({
    /** Serve the console (app and `/console/api/…`) whenever the admin listener runs. */
    enabled: z.boolean().default(true),
    /**
     * The session cookie's `Secure` flag. `auto`: set when the request came over TLS, or when the admin
     * listener is bound beyond loopback (then a browser must reach it through a TLS proxy); plain
     * http on loopback works without it, for local use and tests. `true`/`false` force it.
     */
    secureCookie: z.union([z.boolean(), z.literal('auto')]).default('auto'),
    /** A session ends after this long without a request… */
    idleTimeoutSeconds: z.number().int().positive().default(1800),
    /** …and this long after login, whatever its use. */
    absoluteTimeoutSeconds: z.number().int().positive().default(43_200),
    /** Failed logins for one username before it is locked; the lock doubles with each further failure. */
    maxFailuresPerUser: z.number().int().positive().default(5),
    /** Failed logins from one client address before it is locked (behind a proxy, all clients share one). */
    maxFailuresPerAddress: z.number().int().positive().default(20),
    lockSeconds: z.number().positive().default(30),
    maxLockSeconds: z.number().positive().default(900),
  })
  .refine((s) => s.idleTimeoutSeconds <= s.absoluteTimeoutSeconds, { message: 'must not exceed console.absoluteTimeoutSeconds', path: ['idleTimeoutSeconds'] })
  .refine((s) => s.lockSeconds <= s.maxLockSeconds, { message: 'must not exceed console.maxLockSeconds', path: ['lockSeconds'] })
  .transform((s) => inMs(s, ['idleTimeoutSeconds', 'absoluteTimeoutSeconds', 'lockSeconds', 'maxLockSeconds']))
  .prefault({});

export type ConsoleConfig = DeepReadonly<z.infer<typeof consoleSchema>>;

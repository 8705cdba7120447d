/**
 * The `install` section: the install wizard at `/install/` on the admin listener (docs/install.md).
 * Composed into the whole configuration by src/app/config.ts.
 */
import { z } from 'zod';
import type { DeepReadonly } from '../platform/config/index.js';

export const installSchema = z
  .strictObject({
    /** Serve the wizard and its API (needs the admin listener and at least one installer credential to be useful). */
    enabled: z.boolean().default(false),
    /**
     * The Genesys OAuth client the wizard logs the customer's admin in with: grant type "Code Authorization"
     * (PKCE), its registered redirect URI being this listener's `/install/` as the browser reaches it.
     */
    genesysClientId: z.string().optional(),
    /** Region of the customer orgs, e.g. mypurecloud.com (the login host is login.{region}, the API api.{region}). */
    region: z.string().default('mypurecloud.com'),
    /** Overrides for the emulator or a gateway: `{loginUrl}/oauth/authorize`, `{apiUrl}/api/v2/…`. */
    apiUrl: z.url().optional(),
    loginUrl: z.url().optional(),
    /** The public wss:// URL Genesys dials for AudioHook (the public listener's `audiohook.path`). */
    connectionUri: z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL').optional(),
    /** Every object the wizard creates in Genesys is named with this prefix, so an admin can tell them apart. */
    namePrefix: z.string().min(1).max(40).default('Hookline'),
    /**
     * Origins that may frame the wizard, to embed it as a Genesys client app (e.g. https://apps.mypurecloud.com).
     * Empty: it may not be framed at all. When set, the run cookie is `SameSite=None; Secure` so the framed page gets it.
     */
    frameAncestors: z.array(z.url().regex(/^https:\/\/[^/]+$/, 'must be an https origin (no path)')).default([]),
    /** How long to wait for the AudioHook connection probe after activating the integration. */
    probeTimeoutSeconds: z.number().positive().default(20),
  })
  .prefault({});

export type InstallConfig = DeepReadonly<z.infer<typeof installSchema>>;

/** The Genesys endpoints for the configured region (reference: the SDK builds `https://login.{env}`, `https://api.{env}`). */
export function genesysUrls(c: InstallConfig): { apiUrl: string; loginUrl: string } {
  const apiUrl = (c.apiUrl ?? `https://api.${c.region}`).replace(/\/+$/, '');
  const loginUrl = (c.loginUrl ?? c.apiUrl ?? `https://login.${c.region}`).replace(/\/+$/, '');
  return { apiUrl, loginUrl: c.loginUrl || !c.apiUrl ? loginUrl : `${apiUrl}/login` };
}

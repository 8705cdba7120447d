/**
 * Shapes of the tenant administration routes (the console's Tenants page): the
 * request bodies reuse the tenant configuration's own zod schemas
 * (src/tenants/config.ts) field by field, so the API accepts exactly what
 * `hookline tenant set` and the config file accept. Secrets never appear in an
 * answer but masked (last 4 characters at most), except a new AudioHook
 * client secret, answered once.
 */
import { z } from 'zod';
import { downstreamSchema, genesysSchema, guidanceSchema, tenantSchema } from '../tenants/index.js';
import { tenantQuery } from './operations-schemas.js';

/** An empty secret field keeps the stored secret (the page never receives it to send back). */
const keepable = z.string().max(4096).optional().describe('Empty or absent: keep the stored one');

export const genesysInput = z.strictObject({
  clientId: genesysSchema.shape.clientId,
  clientSecret: keepable,
  region: z.string().min(1).optional().describe('Environment host, e.g. mypurecloud.com, mypurecloud.ie, usw2.pure.cloud'),
  apiUrl: genesysSchema.shape.apiUrl,
  loginUrl: genesysSchema.shape.loginUrl,
});

export const downstreamInput = downstreamSchema.extend({
  bearerToken: keepable,
  header: z.strictObject({ name: z.string().min(1), value: keepable }).optional(),
  from: z.int().min(0).optional().describe('Index of the stored destination whose bearer token or header value an empty field keeps'),
});

const s = tenantSchema.shape;

export const settingsInput = z.strictObject({
  genesys: genesysInput.nullable().optional().describe('null removes the Genesys client'),
  monitoredGroupId: z.string().max(64).nullable().optional().describe('A Genesys group id; null clears it'),
  admission: s.admission.unwrap().optional(),
  gateTimeoutSeconds: z.number().positive().max(3600).optional(),
  onGateTimeout: s.onGateTimeout.unwrap().optional(),
  onTransferAway: s.onTransferAway.unwrap().optional(),
  downstream: z.array(downstreamInput).max(20).optional().describe('The whole list, replacing the stored one'),
  guidance: guidanceSchema.nullable().optional().describe('Real-time guidance (docs/guidance.md), the whole section with its rules; null: calls are not analysed'),
});

const masked = z.string().nullable().describe('At most the last 4 characters, or null when none is set');

export const settingsView = z.object({
  orgId: z.string(),
  name: z.string(),
  source: z.string().describe('Who wrote the tenant: cli, api, or config:<file> (read-only here)'),
  editable: z.boolean().describe('False for a tenant declared in a configuration file: change the file'),
  genesys: z
    .object({ clientId: z.string(), clientSecret: masked, region: z.string(), apiUrl: z.string().nullable(), loginUrl: z.string().nullable() })
    .nullable(),
  monitoredGroupId: z.string().nullable(),
  admission: z.enum(['monitored-group', 'all']),
  gateTimeoutSeconds: z.number(),
  onGateTimeout: z.enum(['disconnect', 'keep-paused']),
  onTransferAway: z.enum(['keep', 'pause']),
  downstream: z.array(
    z.object({
      url: z.string(),
      name: z.string().nullable(),
      bearerToken: masked,
      header: z.object({ name: z.string(), value: masked }).nullable(),
      channels: z.enum(['both', 'customer', 'agent']),
      batchMs: z.int().nullable(),
    }),
  ),
  guidance: guidanceSchema.nullable().describe('Real-time guidance and its rules (no secrets); null when the tenant has none'),
});

export const genesysTestInput = z.strictObject({ genesys: genesysInput.optional().describe('Absent: test the stored client') });

export const downstreamTestInput = z.strictObject({ destination: downstreamInput });

export const testResult = z.object({
  ok: z.boolean(),
  error: z.string().nullable().describe('What failed, as Genesys or the destination answered'),
  elapsedMs: z.int(),
});

export const groupQuery = tenantQuery.extend({
  q: z.string().max(100).default('').describe('Part of the group name, any case; empty: the first groups'),
});

export const groupList = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string(), memberCount: z.int().nullable() })).describe('At most 25, by name'),
  truncated: z.boolean().describe('More groups matched than shown, or the org has more groups than were searched'),
});

export const keyParams = z.strictObject({ id: z.string().regex(/^[0-9a-f]{16}$/, 'must be a key id as the key list gives it') });

export const keyCreateInput = z.strictObject({ label: z.string().max(100).optional() });

export const keyView = z.object({
  id: z.string().describe('Names the key in rotate and revoke (a hash: the key itself is not shown)'),
  apiKey: z.string().describe('Masked: the last 4 characters'),
  label: z.string().nullable(),
  signed: z.boolean(),
  source: z.string(),
  createdAt: z.string(),
});

export const keyList = z.object({ items: z.array(keyView) });

export const newKey = z.object({
  id: z.string(),
  apiKey: z.string().describe('In full, this once'),
  secret: z.string().describe('The client secret (base64), in full, this once: it cannot be read again'),
  label: z.string().nullable(),
  replaces: z.string().nullable().describe('Rotate: the id of the key this one replaces, which keeps working until revoked'),
});

export const revoked = z.object({ revoked: z.literal(true) });

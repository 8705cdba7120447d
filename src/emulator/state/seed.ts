/**
 * Seeding: the document format (JSON or YAML, from `--seed FILE` or the
 * control API) that creates orgs with users, groups, queues, wrap-up codes,
 * OAuth clients and integrations, and what seeding reports back.
 */
import { z } from 'zod';
import { ControlError, describeIssues } from '../errors.js';
import { eventBridgeSinkSchema } from '../notify/eventbridge.js';
import { dialOutSchema, rateLimitSchema } from '../settings.js';
import { DEFAULT_ENV } from './model.js';

const id = z.string().min(1).optional();

export const seedUserSchema = z.strictObject({
  id,
  name: z.string().min(1),
  email: z.string().optional(),
  department: z.string().optional(),
  title: z.string().optional(),
  /** Lets the user log in at the emulator's login form (code and implicit grants); a test password, never a real one. */
  password: z.string().min(1).optional(),
  /** Permissions (`domain:entity:action`) the user holds besides their roles', as `/api/v2/users/me?expand=authorization` lists them. */
  permissions: z.array(z.string().regex(/^[\w*-]+:[\w*-]+:[\w*-]+$/, 'must be domain:entity:action')).optional(),
});
/** Members are user ids, emails or names. */
export const seedGroupSchema = z.strictObject({ id, name: z.string().min(1), description: z.string().optional(), members: z.array(z.string()).default([]) });
export const seedNamedSchema = z.strictObject({ id, name: z.string().min(1) });
export const seedClientSchema = z.strictObject({
  id,
  secret: z.string().min(1).optional(),
  name: z.string().default('Hookline'),
  tokenLifetimeSeconds: z.number().int().min(1).max(172800).optional(),
  /** `code` (authorization code, with or without PKCE) or `token` (implicit) for a browser app's client; it then needs redirectUris. */
  grant: z.enum(['client-credentials', 'code', 'token']).default('client-credentials'),
  redirectUris: z.array(z.url()).default([]),
});
export const seedIntegrationSchema = z.strictObject({
  id,
  /** `audio-connector`: `connectionUri` is the base connection URI bot calls append their connector id to. */
  type: z.enum(['audiohook', 'audio-connector']).default('audiohook'),
  name: z.string().optional(),
  connectionUri: z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL'),
  apiKey: z.string().min(1),
  clientSecret: z.string().optional(),
  enabled: z.boolean().default(true),
  /** Seeded integrations count as already activated unless this asks for a probe now. */
  probe: z.boolean().default(false),
});

export const seedOrgSchema = z.strictObject({
  id,
  name: z.string().min(1),
  env: z.string().regex(/^[a-z0-9.-]+$/, 'must be a region host such as mypurecloud.com').default(DEFAULT_ENV),
  users: z.array(seedUserSchema).default([]),
  /** Adds this many generated agents ("Agent 1", "Agent 2", …). */
  generateUsers: z.number().int().min(0).max(100_000).default(0),
  groups: z.array(seedGroupSchema).default([]),
  queues: z.array(seedNamedSchema).default([]),
  wrapupCodes: z.array(seedNamedSchema).default([]),
  flows: z.array(seedNamedSchema).default([]),
  oauthClients: z.array(seedClientSchema).default([{ name: 'Hookline', grant: 'client-credentials', redirectUris: [] }]),
  integrations: z.array(seedIntegrationSchema).default([]),
  rateLimit: rateLimitSchema.partial().optional(),
  dialOut: dialOutSchema.partial().optional(),
  /** Also POST every conversation notification as Amazon EventBridge would (docs/emulator.md). */
  eventBridge: eventBridgeSinkSchema.optional(),
});

export const seedSchema = z.strictObject({
  orgs: z.array(seedOrgSchema).default([]),
  /** Settings patch applied before the orgs are created. */
  settings: z.record(z.string(), z.unknown()).optional(),
});

export type SeedDoc = z.output<typeof seedSchema>;
export type SeedOrg = z.output<typeof seedOrgSchema>;
export type SeedInput = z.input<typeof seedSchema>;
export type SeedOrgInput = z.input<typeof seedOrgSchema>;

export function parseSeed(doc: unknown, source = 'seed'): SeedDoc {
  const r = seedSchema.safeParse(doc ?? {});
  if (!r.success) throw new ControlError(`invalid ${source}: ${describeIssues(r.error.issues)}`);
  return r.data;
}

export interface SeededOrg {
  orgId: string;
  name: string;
  env: string;
  apiUrl: string;
  loginUrl: string;
  divisionId: string;
  clients: { clientId: string; clientSecret: string; name: string }[];
  users: { id: string; name: string; email: string }[];
  groups: { id: string; name: string; memberIds: string[] }[];
  queues: { id: string; name: string }[];
  wrapupCodes: { id: string; name: string }[];
  integrations: { id: string; name: string; type: string; connectionUri: string; intendedState: string; reportedState: string }[];
}

/** A small demo org: what `hookline emulator` runs when no seed is given. */
export const DEMO_SEED: SeedInput = {
  orgs: [
    {
      name: 'Demo Org',
      users: [
        { name: 'Alice Agent', email: 'alice@example.com' },
        { name: 'Bob Agent', email: 'bob@example.com' },
        { name: 'Carol Agent', email: 'carol@example.com' },
        { name: 'Dave Agent', email: 'dave@example.com' },
      ],
      groups: [{ name: 'Monitored Agents', members: ['alice@example.com', 'bob@example.com'] }],
      queues: [{ name: 'Support' }],
      wrapupCodes: [{ name: 'Resolved' }, { name: 'Follow-up needed' }],
    },
  ],
};

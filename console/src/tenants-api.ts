/** The Tenants page's calls: the tenant administration routes of /api/v1 (docs/console.md "Tenants page"). */
import { v1 } from './api.js';

export type Channels = 'both' | 'customer' | 'agent';

export interface Destination {
  url: string;
  name: string | null;
  /** Masked (last 4 characters) or null. */
  bearerToken: string | null;
  header: { name: string; value: string | null } | null;
  channels: Channels;
  batchMs: number | null;
}

export type RuleParty = 'customer' | 'agent';

/** A guidance rule as the tenant schema has it (src/tenants/guidance-config.ts, docs/guidance.md "Rules"). */
export type GuidanceRule =
  | { name: string; kind: 'phrase'; phrases: string[]; party?: RuleParty | 'any' }
  | { name: string; kind: 'silence'; minSeconds: number }
  | { name: string; kind: 'overtalk'; minSeconds: number }
  | { name: string; kind: 'talk-ratio'; party?: RuleParty; above: number; windowSeconds?: number }
  | { name: string; kind: 'level-rising'; party?: RuleParty; riseDb?: number; windowSeconds?: number };

export interface Guidance {
  enabled: boolean;
  transcripts: boolean;
  rules: GuidanceRule[];
}

export interface TenantSettings {
  orgId: string;
  name: string;
  source: string;
  editable: boolean;
  genesys: { clientId: string; clientSecret: string | null; region: string; apiUrl: string | null; loginUrl: string | null } | null;
  monitoredGroupId: string | null;
  admission: 'monitored-group' | 'all';
  gateTimeoutSeconds: number;
  onGateTimeout: 'disconnect' | 'keep-paused';
  onTransferAway: 'keep' | 'pause';
  downstream: Destination[];
  guidance: Guidance | null;
}

export interface GenesysInput {
  clientId: string;
  clientSecret?: string;
  region?: string;
  apiUrl?: string;
  loginUrl?: string;
}

export interface DestinationInput {
  url: string;
  name?: string;
  bearerToken?: string;
  header?: { name: string; value?: string };
  channels: Channels;
  batchMs?: number;
  /** The stored destination whose secrets an empty field keeps. */
  from?: number;
}

export interface SettingsInput {
  genesys?: GenesysInput | null;
  monitoredGroupId?: string | null;
  admission?: 'monitored-group' | 'all';
  gateTimeoutSeconds?: number;
  onGateTimeout?: 'disconnect' | 'keep-paused';
  onTransferAway?: 'keep' | 'pause';
  downstream?: DestinationInput[];
  guidance?: Guidance | null;
}

export interface TestResult {
  ok: boolean;
  error: string | null;
  elapsedMs: number;
}

export interface Group {
  id: string;
  name: string;
  memberCount: number | null;
}

export interface AudioHookKey {
  id: string;
  apiKey: string;
  label: string | null;
  signed: boolean;
  source: string;
  createdAt: string;
}

export interface NewKey {
  id: string;
  apiKey: string;
  secret: string;
  label: string | null;
  replaces: string | null;
}

export const tenantsApi = {
  settings: (tenant: string) => v1<TenantSettings>('GET', 'tenant', tenant),
  save: (tenant: string, csrf: string, body: SettingsInput) => v1<TenantSettings>('POST', 'tenant/settings', tenant, csrf, {}, body),
  testGenesys: (tenant: string, csrf: string, genesys: GenesysInput) => v1<TestResult>('POST', 'tenant/genesys/test', tenant, csrf, {}, { genesys }),
  groups: (tenant: string, q: string) => v1<{ items: Group[]; truncated: boolean }>('GET', 'tenant/genesys/groups', tenant, undefined, { q }),
  testDestination: (tenant: string, csrf: string, destination: DestinationInput) => v1<TestResult>('POST', 'tenant/downstream/test', tenant, csrf, {}, { destination }),
  keys: (tenant: string) => v1<{ items: AudioHookKey[] }>('GET', 'tenant/audiohook-keys', tenant),
  createKey: (tenant: string, csrf: string, label?: string) => v1<NewKey>('POST', 'tenant/audiohook-keys', tenant, csrf, {}, label ? { label } : {}),
  rotateKey: (tenant: string, csrf: string, id: string) => v1<NewKey>('POST', `tenant/audiohook-keys/${encodeURIComponent(id)}/rotate`, tenant, csrf),
  revokeKey: (tenant: string, csrf: string, id: string) => v1<{ revoked: true }>('POST', `tenant/audiohook-keys/${encodeURIComponent(id)}/revoke`, tenant, csrf),
};

/** "body.genesys.clientId: Required; body.downstream.0.url: must be …" → { 'genesys.clientId': 'Required', … }. */
export function fieldErrors(message: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of message.split('; ')) {
    const m = /^body\.([\w.]+): (.*)$/s.exec(part);
    if (m) out[m[1] as string] = m[2] as string;
  }
  return out;
}

/**
 * Integrations (Genesys Cloud docs, "Integrations API"): find AudioHook integrations, and create,
 * configure, credential and enable one (the install-wizard steps).
 */
import { GenesysError } from '../errors.js';
import { paginateEntities, type PageOptions } from '../http/paging.js';
import type { AudioConnectorProperties, AudioHookProperties, CredentialInput, CredentialRef, Integration, IntegrationConfiguration, IntegrationState, IntegrationTypeId } from '../models/integrations.js';
import { normalizeConfiguration, normalizeIntegration } from '../models/normalize.js';
import { seg, type ApiContext } from './context.js';

export interface AudioHookInstall {
  name: string;
  connectionUri: string;
  /** Default `both`. */
  channel?: AudioHookProperties['channel'];
  /** The key Genesys sends as X-API-KEY. */
  apiKey: string;
  /** Signs the connection; never logged. */
  clientSecret: string;
  notes?: string;
  /** Default true. */
  enable?: boolean;
}

export interface IntegrationsApi {
  list(opts?: PageOptions & { expandConfig?: boolean }): AsyncIterable<Integration>;
  get(integrationId: string, opts?: { expandConfig?: boolean }): Promise<Integration>;
  /** Integrations of type `audiohook`, with their current config. */
  audioHooks(): Promise<Integration[]>;
  create(input: { name: string; integrationType: IntegrationTypeId; notes?: string }): Promise<Integration>;
  config(integrationId: string): Promise<IntegrationConfiguration>;
  /** Read-modify-write of `config/current` (the PUT needs the current version). */
  updateConfig(integrationId: string, change: Partial<Omit<IntegrationConfiguration, 'id' | 'version'>>): Promise<IntegrationConfiguration>;
  setState(integrationId: string, state: IntegrationState): Promise<Integration>;
  remove(integrationId: string): Promise<void>;
  createCredential(input: CredentialInput): Promise<CredentialRef>;
  deleteCredential(credentialId: string): Promise<void>;
  /** Create → credential → config → enable. Not idempotent: check `audioHooks()` first. */
  installAudioHook(input: AudioHookInstall): Promise<Integration>;
  /** The same for an Audio Connector (voice bot) integration. Not idempotent: check `list()` first. */
  installAudioConnector(input: AudioConnectorInstall): Promise<Integration>;
}

export interface AudioConnectorInstall {
  name: string;
  /** Ends with `/`: Genesys appends the Connector ID of each Call Audio Connector action. */
  baseConnectionUri: string;
  apiKey: string;
  clientSecret: string;
  notes?: string;
  enable?: boolean;
}

const BASE = '/api/v2/integrations';

export function integrationsApi(ctx: ApiContext): IntegrationsApi {
  const expand = (yes?: boolean) => (yes ? { expand: 'config.current' } : {});
  const api: IntegrationsApi = {
    list: (o = {}) =>
      (async function* () {
        for await (const i of paginateEntities<unknown>(ctx.request, BASE, expand(o.expandConfig), o)) yield normalizeIntegration(i);
      })(),
    async get(id, o = {}) {
      return normalizeIntegration((await ctx.request<unknown>('GET', `${BASE}/${seg(id)}`, { query: expand(o.expandConfig) })).body);
    },
    async audioHooks() {
      const out: Integration[] = [];
      for await (const i of api.list({ expandConfig: true })) if (i.integrationType?.id === 'audiohook') out.push(i);
      return out;
    },
    async create(input) {
      const body = { name: input.name, integrationType: { id: input.integrationType }, ...(input.notes ? { notes: input.notes } : {}) };
      return normalizeIntegration((await ctx.request<unknown>('POST', BASE, { body })).body);
    },
    async config(id) {
      return normalizeConfiguration((await ctx.request<unknown>('GET', `${BASE}/${seg(id)}/config/current`)).body);
    },
    async updateConfig(id, change) {
      const current = await api.config(id);
      const next = { ...current, ...change };
      // Not idempotent under concurrent edits (version check), so no blind retry.
      return normalizeConfiguration((await ctx.request<unknown>('PUT', `${BASE}/${seg(id)}/config/current`, { body: next, idempotent: false })).body);
    },
    async setState(id, state) {
      return normalizeIntegration((await ctx.request<unknown>('PATCH', `${BASE}/${seg(id)}`, { body: { intendedState: state }, idempotent: true })).body);
    },
    async remove(id) {
      await ctx.request('DELETE', `${BASE}/${seg(id)}`, { accept: [404] });
    },
    async createCredential(input) {
      const res = await ctx.request<CredentialRef>('POST', `${BASE}/credentials`, { body: input });
      if (!res.body?.id) throw new GenesysError('credential creation answered without an id');
      return res.body;
    },
    async deleteCredential(id) {
      await ctx.request('DELETE', `${BASE}/credentials/${seg(id)}`, { accept: [404] });
    },
    installAudioHook: (input) => installAudioHook(api, input),
    installAudioConnector: (input) => installAudioConnector(api, input),
  };
  return api;
}

async function installAudioHook(api: IntegrationsApi, input: AudioHookInstall): Promise<Integration> {
  const integration = await api.create({ name: input.name, integrationType: 'audiohook', notes: input.notes });
  const credential = await api.createCredential({
    name: `${input.name} credentials`,
    type: 'audioHook',
    credentialFields: { apiKey: input.apiKey, clientSecret: input.clientSecret },
  });
  const properties: AudioHookProperties = { channel: input.channel ?? 'both', connectionUri: input.connectionUri };
  await api.updateConfig(integration.id, { name: input.name, properties: { ...properties }, credentials: { audioHook: { id: credential.id } } });
  return input.enable === false ? api.get(integration.id, { expandConfig: true }) : api.setState(integration.id, 'ENABLED');
}

async function installAudioConnector(api: IntegrationsApi, input: AudioConnectorInstall): Promise<Integration> {
  const integration = await api.create({ name: input.name, integrationType: 'audio-connector', notes: input.notes });
  const credential = await api.createCredential({
    name: `${input.name} credentials`,
    type: 'audioConnector',
    credentialFields: { apiKey: input.apiKey, clientSecret: input.clientSecret },
  });
  const properties: AudioConnectorProperties = { baseConnectionUri: input.baseConnectionUri };
  await api.updateConfig(integration.id, { name: input.name, properties: { ...properties }, credentials: { audioConnector: { id: credential.id } } });
  return input.enable === false ? api.get(integration.id, { expandConfig: true }) : api.setState(integration.id, 'ENABLED');
}

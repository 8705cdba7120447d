/**
 * Integrations and their credentials (Genesys Cloud docs, "Integrations API"). Enabling an AudioHook
 * integration (or saving its config while enabled) asks for a connection
 * probe; the probe's outcome lands in `reportedState`. Only ACTIVE AudioHook
 * integrations get calls dialled to them. Audio Connector integrations are
 * probed the same way and carry bot calls.
 */
import type { Rng } from '../core/rng.js';

type Json = Record<string, unknown>;

export interface IntegrationType {
  id: string;
  name: string;
  description: string;
  provider: string;
  category: string;
  clientApp?: boolean;
}

export const INTEGRATION_TYPES: IntegrationType[] = [
  { id: 'audiohook', name: 'AudioHook Monitor', description: 'Streams call audio to a WebSocket server', provider: 'genesys', category: 'Audio' },
  { id: 'audio-connector', name: 'Audio Connector', description: 'Bidirectional audio with a voice bot server', provider: 'genesys', category: 'Audio' },
  { id: 'amazon-eventbridge-source', name: 'Amazon EventBridge Source', description: 'Publishes events to Amazon EventBridge', provider: 'genesys', category: 'Events' },
  { id: 'premium-app-example', name: 'Premium App Example', description: 'A premium client application', provider: 'appfoundry', category: 'Client Apps', clientApp: true },
];

export type ReportedCode = 'ACTIVE' | 'ACTIVATING' | 'INACTIVE' | 'ERROR';

export interface Credential {
  id: string;
  orgId: string;
  name: string;
  type: string;
  fields: Record<string, string>;
}

export interface IntegrationConfig {
  name: string;
  version: number;
  properties: Json;
  advanced: Json;
  notes?: string;
  credentials: Record<string, { id: string }>;
}

export interface Integration {
  id: string;
  orgId: string;
  name: string;
  typeId: string;
  notes?: string;
  intendedState: 'ENABLED' | 'DISABLED' | 'DELETED';
  config: IntegrationConfig;
  reported: { code: ReportedCode; detail?: string; lastUpdated: number };
}

/** What a dial-out needs from an AudioHook integration. */
export interface AudioHookTarget {
  integrationId: string;
  orgId: string;
  url: string;
  apiKey: string;
  clientSecret?: string;
}

export class IntegrationStore {
  private readonly integrations = new Map<string, Integration>();
  private readonly credentials = new Map<string, Credential>();
  /** Called when an AudioHook integration needs probing (enabled, or re-configured while enabled). */
  onProbeNeeded: (i: Integration) => void = () => undefined;

  constructor(private readonly rng: Rng, private readonly now: () => number) {}

  create(orgId: string, typeId: string, name?: string): Integration {
    const type = INTEGRATION_TYPES.find((t) => t.id === typeId);
    if (!type) throw new IntegrationError(`Unknown integration type ${typeId} (one of ${INTEGRATION_TYPES.map((t) => t.id).join(', ')})`);
    const i: Integration = {
      id: this.rng.uuid(),
      orgId,
      name: name ?? type.name,
      typeId,
      intendedState: 'DISABLED',
      config: { name: name ?? type.name, version: 1, properties: {}, advanced: {}, credentials: {} },
      reported: { code: 'INACTIVE', lastUpdated: this.now() },
    };
    this.integrations.set(i.id, i);
    return i;
  }

  get(orgId: string, id: string): Integration | undefined {
    const i = this.integrations.get(id);
    return i && i.orgId === orgId && i.intendedState !== 'DELETED' ? i : undefined;
  }

  list(orgId: string): Integration[] {
    return [...this.integrations.values()].filter((i) => i.orgId === orgId && i.intendedState !== 'DELETED');
  }

  remove(i: Integration): void {
    i.intendedState = 'DELETED';
    this.report(i, 'INACTIVE');
  }

  setIntendedState(i: Integration, state: 'ENABLED' | 'DISABLED'): void {
    const was = i.intendedState;
    i.intendedState = state;
    if (state === 'DISABLED') return this.report(i, 'INACTIVE');
    if (was === 'ENABLED' && i.reported.code === 'ACTIVE') return;
    this.activate(i);
  }

  /** Replaces the current config; the version must match (optimistic locking, as in Genesys). */
  setConfig(i: Integration, cfg: Omit<IntegrationConfig, 'version'> & { version: number }): void {
    if (cfg.version !== i.config.version) throw new IntegrationError(`config version ${cfg.version} does not match the current version ${i.config.version}`, 409);
    i.config = { ...cfg, version: i.config.version + 1 };
    if (i.intendedState === 'ENABLED') this.activate(i);
  }

  report(i: Integration, code: ReportedCode, detail?: string): void {
    i.reported = { code, lastUpdated: this.now(), ...(detail ? { detail } : {}) };
  }

  addCredential(orgId: string, name: string, type: string, fields: Record<string, string>): Credential {
    const c: Credential = { id: this.rng.uuid(), orgId, name, type, fields };
    this.credentials.set(c.id, c);
    return c;
  }

  credential(orgId: string, id: string): Credential | undefined {
    const c = this.credentials.get(id);
    return c && c.orgId === orgId ? c : undefined;
  }

  credentialsOf(orgId: string): Credential[] {
    return [...this.credentials.values()].filter((c) => c.orgId === orgId);
  }

  removeCredential(c: Credential): void {
    this.credentials.delete(c.id);
  }

  /** The AudioHook endpoint and credentials, or the reason it is not usable. */
  audioHookTarget(i: Integration): AudioHookTarget | string {
    const url = i.config.properties.connectionUri;
    if (typeof url !== 'string' || !/^wss?:\/\//.test(url)) return 'config.current.properties.connectionUri must be a ws:// or wss:// URL';
    const credId = i.config.credentials.audioHook?.id;
    const cred = credId ? this.credential(i.orgId, credId) : undefined;
    if (!cred?.fields.apiKey) return 'config.current.credentials.audioHook must reference a credential with an apiKey';
    return { integrationId: i.id, orgId: i.orgId, url, apiKey: cred.fields.apiKey, ...(cred.fields.clientSecret ? { clientSecret: cred.fields.clientSecret } : {}) };
  }

  /**
   * The Audio Connector endpoint and credentials, or the reason it is not usable. The URL is the
   * base connection URI; a bot call appends its connector id (Architect's "Call Audio Connector").
   */
  connectorTarget(i: Integration): AudioHookTarget | string {
    const url = i.config.properties.baseConnectionUri;
    if (typeof url !== 'string' || !/^wss?:\/\//.test(url)) return 'config.current.properties.baseConnectionUri must be a ws:// or wss:// URL';
    const credId = i.config.credentials.audioConnector?.id;
    const cred = credId ? this.credential(i.orgId, credId) : undefined;
    if (!cred?.fields.apiKey) return 'config.current.credentials.audioConnector must reference a credential with an apiKey';
    return { integrationId: i.id, orgId: i.orgId, url, apiKey: cred.fields.apiKey, ...(cred.fields.clientSecret ? { clientSecret: cred.fields.clientSecret } : {}) };
  }

  /** Where an integration's probe dials: AudioHook's connection URI or Audio Connector's base URI. */
  probeTarget(i: Integration): AudioHookTarget | string {
    return i.typeId === 'audio-connector' ? this.connectorTarget(i) : this.audioHookTarget(i);
  }

  /** Audio Connector integrations bot calls may use: enabled and successfully probed. */
  activeConnectors(orgId: string): Integration[] {
    return this.list(orgId).filter((i) => i.typeId === 'audio-connector' && i.intendedState === 'ENABLED' && i.reported.code === 'ACTIVE');
  }

  /** AudioHook integrations that receive calls: enabled and successfully probed. */
  activeAudioHooks(orgId: string): Integration[] {
    return this.list(orgId).filter((i) => i.typeId === 'audiohook' && i.intendedState === 'ENABLED' && i.reported.code === 'ACTIVE');
  }

  private activate(i: Integration): void {
    if (i.typeId !== 'audiohook' && i.typeId !== 'audio-connector') return this.report(i, 'ACTIVE');
    this.report(i, 'ACTIVATING');
    this.onProbeNeeded(i);
  }
}

export class IntegrationError extends Error {
  override readonly name = 'IntegrationError';
  constructor(message: string, readonly status = 400) {
    super(message);
  }
}

export function integrationJson(i: Integration, expandConfig: boolean): Json {
  const type = INTEGRATION_TYPES.find((t) => t.id === i.typeId);
  const out: Json = {
    id: i.id,
    name: i.name,
    integrationType: { id: i.typeId, name: type?.name, provider: type?.provider, category: type?.category },
    intendedState: i.intendedState,
    reportedState: { code: i.reported.code, effective: i.reported.code === 'ACTIVE' ? 'Active' : i.reported.code.toLowerCase(), detail: i.reported.detail ? { message: i.reported.detail } : {}, lastUpdated: new Date(i.reported.lastUpdated).toISOString() },
    attributes: {},
    selfUri: `/api/v2/integrations/${i.id}`,
  };
  if (i.notes) out.notes = i.notes;
  if (expandConfig) out.config = { current: configJson(i) };
  return out;
}

export function configJson(i: Integration): Json {
  const c = i.config;
  return { id: i.id, name: c.name, version: c.version, properties: c.properties, advanced: c.advanced, ...(c.notes ? { notes: c.notes } : {}), credentials: c.credentials, selfUri: `/api/v2/integrations/${i.id}/config/current` };
}

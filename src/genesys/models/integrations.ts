/**
 * Integrations API objects (Genesys Cloud docs, "Integrations API"), enough for an AudioHook install wizard.
 */
import type { EntityRef, Open } from './common.js';

export type IntegrationTypeId = Open<'audiohook' | 'audio-connector' | 'amazon-eventbridge-source' | 'premium-app-example' | 'standalone' | 'widget'>;
export type IntegrationState = Open<'ENABLED' | 'DISABLED' | 'DELETED'>;

export interface IntegrationType {
  id: IntegrationTypeId;
  name?: string;
  description?: string;
  provider?: string;
  category?: string;
  selfUri?: string;
}

export interface IntegrationConfiguration {
  id?: string;
  name?: string;
  /** Required on update: the current version. */
  version?: number;
  properties: Record<string, unknown>;
  advanced: Record<string, unknown>;
  notes?: string;
  /** e.g. `{ audioHook: { id: "<credentialId>" } }`. */
  credentials: Record<string, { id: string; name?: string }>;
}

export interface Integration {
  id: string;
  name?: string;
  integrationType?: IntegrationType;
  notes?: string;
  intendedState?: IntegrationState;
  config?: { current?: IntegrationConfiguration };
  reportedState?: { code?: Open<'ACTIVE' | 'ACTIVATING' | 'INACTIVE' | 'DEACTIVATING' | 'ERROR'>; effective?: string; detail?: Record<string, unknown>; lastUpdated?: string };
  attributes: Record<string, string>;
  selfUri?: string;
}

/** Body of `POST /api/v2/integrations/credentials`. Secret fields are never logged. */
export interface CredentialInput {
  name: string;
  /** e.g. `audioHook`. */
  type: Open<'audioHook' | 'audioConnector'>;
  credentialFields: Record<string, string>;
}

export type CredentialRef = EntityRef;

/** AudioHook `config.current.properties` (what the premium-app wizard writes). */
export interface AudioHookProperties {
  channel: Open<'both' | 'external' | 'internal'>;
  connectionUri: string;
}

/** An Audio Connector integration: Genesys appends each Call Audio Connector action's Connector ID to this base. */
export interface AudioConnectorProperties {
  baseConnectionUri: string;
}

/**
 * Tenant types shared by every capability. A tenant is a Genesys organization.
 */
import type { TenantConfig } from './config.js';

/** A tenant's full settings, secrets included (decrypted; never log it whole). */
export type Tenant = Omit<TenantConfig, 'apiKeys'>;

export interface ApiKeyInfo {
  apiKey: string;
  orgId: string;
  hasSecret: boolean;
  label: string | null;
  source: string;
  createdAt: string;
}

/** What the AudioHook endpoint needs to authenticate a key. */
export interface Credential {
  apiKey: string;
  orgId: string;
  /** Decoded client secret; empty = unsigned requests accepted for this key. */
  secret: Buffer;
}

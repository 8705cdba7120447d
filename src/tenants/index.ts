export { TenantCache } from './cache.js';
export { CONFIG_ORIGIN, TenantError, TenantStore, configOrigin, normalizeOrgId, type ConfigOrigin, type NewApiKey, type Source } from './store.js';
export { tenantMigrations } from './migrations/index.js';
export type { ApiKeysTable, TenantTables, TenantsTable } from './tables.js';
export { DEFAULT_BATCH_MS, MIN_SECRET_BYTES, apiKeySchema, clientSecret, downstreamSchema, genesysSchema, tenantSchema, webhookSchema, type ApiKeyConfig, type DownstreamConfig, type GenesysConfig, type TenantConfig, type WebhookConfig } from './config.js';
export type { ApiKeyInfo, Credential, Tenant } from './tenant.js';
export type { AsrConfig, TtsConfig } from './voicebot-config.js';

export { TenantCache } from './cache.js';
export { CONFIG_ORIGIN, TenantError, TenantStore, configOrigin, freshApiKey, normalizeOrgId, type ConfigOrigin, type NewApiKey, type Source } from './store.js';
export { tenantMigrations } from './migrations/index.js';
export type { ApiKeysTable, TenantTables, TenantsTable } from './tables.js';
export { DEFAULT_BATCH_MS, MIN_SECRET_BYTES, apiKeySchema, clientSecret, downstreamSchema, genesysSchema, tenantSchema, webhookSchema, type ApiKeyConfig, type DownstreamConfig, type GenesysConfig, type TenantConfig, type WebhookConfig } from './config.js';
export type { ApiKeyInfo, Credential, Tenant } from './tenant.js';
export { botSchema, connectorSchema, pacingSchema, voicebotSchema, type AsrConfig, type BotConfig, type ConnectorConfig, type PacingConfig, type RealtimeConfig, type TtsConfig, type VoicebotConfig } from './voicebot-config.js';
export { guidanceRuleSchema, guidanceSchema, partySchema, type GuidanceConfig, type GuidanceRule, type Party } from './guidance-config.js';

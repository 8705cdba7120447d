export { TenantCache } from './cache.js';
export { TenantError, TenantStore, type NewApiKey, type Source } from './store.js';

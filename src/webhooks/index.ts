/**
 * Outbound webhooks: the live model's common events, signed per Standard
 * Webhooks, delivered in order per conversation to each tenant's endpoints,
 * with retries and a delivery log (docs/webhooks.md).
 */
export { WebhookDispatcher, type TenantSource, type WebhookDispatcherOptions } from './dispatcher.js';
export { DeliveryStore, type DeliveryFilter, type DeliveryPosition, type StreamKey } from './store.js';
export { matchesEvent } from './filter.js';
export { signature, signedHeaders, webhookId } from './signature.js';
export { USER_AGENT, realTimers, type Timers } from './sender.js';
export { webhookMigrations } from './migrations/index.js';
export type * from './tables.js';

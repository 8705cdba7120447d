/**
 * The conversation model: one owner for what an ended conversation becomes in
 * the database (the analytics tree, its recordings and its import state).
 * Ingest writes it, the read API and the console read it.
 */
export { MalformedConversationError, normalize, type AnalyticsConversationLike, type ConversationRows } from './model.js';
export { ConversationStore } from './store.js';
export { conversationMigrations } from './migrations/index.js';
export type * from './tables.js';

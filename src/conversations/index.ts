/**
 * The conversation model: one owner for what an ended conversation becomes in
 * the database (the analytics tree, its recordings and its import state).
 * Ingest writes it, the read API and the console read it.
 */
export { MalformedConversationError, normalize, type AnalyticsConversationLike, type ConversationRows } from './model.js';
export { ConversationStore } from './store.js';
export { conversationMigrations } from './migrations/index.js';
export type * from './tables.js';
export { derive, type DeriveContext, type Derived } from './live/derive.js';
export { EVENT_SCHEMAS, EVENT_TYPES, EVENT_VERSION, eventJsonSchema, type CommonEvent, type EventType } from './live/events.js';
export type { FindingObservation, Observation, SnapshotLike, SnapshotParticipantLike } from './live/observation.js';
export type { LiveParticipant, LiveState } from './live/state.js';
export { LiveConflictError, LiveStore, type LiveChange, type LiveStoreOptions, type LiveVerdict } from './live/store.js';
export { LiveFeed, type LiveFeedOptions, type LiveSink } from './live/feed.js';

export { Directory, type Agent } from './directory.js';
export { HELD_CHANNEL, HeldConversations, type HeldAnnouncement } from './held.js';
export { LeaderLease } from './leader.js';
export { EVENTS_CHANNEL, TrackingService, isTracked, type TrackingOptions } from './service.js';
export { ConversationTracker, type CallSnapshot, type SnapshotParticipant } from './tracker.js';
export { TenantWatcher, WatcherError } from './watcher.js';
export type { AgentRef, ConversationEvent, MonitoringChanged, TenantEvent } from './events.js';
export type { AgentsTable, TrackingTables } from './tables.js';
export { trackingSchema, type TrackingConfig } from './config.js';

export { Directory, type Agent } from './directory.js';
export { HELD_CHANNEL, HeldConversations, type HeldAnnouncement } from './held.js';
export { LeaderLease } from './leader.js';
export { MalformedConversationError, normalize, type AnalyticsConversationLike, type ConversationRows } from './model.js';
export { EVENTS_CHANNEL, TrackingService, isTracked, type TrackingOptions } from './service.js';
export { ConversationStore } from './store.js';
export { ConversationTracker, type CallSnapshot } from './tracker.js';
export { TenantWatcher, WatcherError } from './watcher.js';
export { trackingSchema, type TrackingConfig } from './config.js';

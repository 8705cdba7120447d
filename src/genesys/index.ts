/**
 * Public surface of the Genesys Cloud Platform API client. Other capabilities
 * import from here only, never from the files behind it.
 *
 * ```ts
 * const gc = createGenesysClient({ clientId, clientSecret, region: 'mypurecloud.ie' }, { logger });
 * for await (const user of gc.groups.members(groupId)) …
 * const notifications = gc.notifications.createManager({ topics: userIds.map(topics.userCalls) });
 * notifications.on('conversation', (e) => …);
 * notifications.on('gap', ({ from, to }) => reconcile(from, to));
 * await notifications.start();
 * ```
 */
export { createGenesysClient, type GenesysClient, type GenesysClientOptions, type NotificationsApi } from './client.js';
export { REGION_HOSTS, resolveEndpoints, type Endpoints, type GenesysConfig, type RegionEnv } from './config.js';
export {
  AnalyticsJobError,
  GenesysApiError,
  GenesysAuthError,
  GenesysError,
  GenesysNetworkError,
  GenesysResponseFormatError,
  GenesysTimeoutError,
  PagingLimitError,
  SocketUpgradeError,
  TopicLimitError,
  TopicRejectedError,
  type RequestInfo,
} from './errors.js';
export type { Clock, Sleep } from './time.js';
export type { GenesysLogger } from './log.js';
export type { RetrySettings } from './http/retry-policy.js';
export type { ApiResponse, RequestOptions } from './http/transport.js';
export type { PageOptions } from './http/paging.js';

export type { AnalyticsApi, AnalyticsJobsApi, QueryOptions } from './api/analytics.js';
export { detailsQuery, formatInterval, type DetailsQueryInput } from './api/analytics-query.js';
export type { ChannelsApi, SubscribeOptions } from './api/channels.js';
export type { ConversationsApi } from './api/conversations.js';
export type { GroupsApi, UserListOptions, UsersApi } from './api/directory.js';
export type { AudioConnectorInstall, AudioHookInstall, IntegrationsApi } from './api/integrations.js';
export type { MediaDownload } from './api/media-download.js';
export type { PollOptions } from './api/poll.js';
export type { MediaOptions, Pending, RecordingResult, RecordingsApi, RecordingsResult } from './api/recordings.js';

export { NotificationsManager, type NotificationsOptions } from './notifications/manager.js';
export type { ConversationNotification, DetailNotification, NotificationsEventName, NotificationsEvents } from './notifications/events.js';
export type { SlotStatus as ChannelStatus } from './notifications/slot.js';
export { classifyTopic, topics, type TopicKind } from './notifications/topics.js';
export { decodeNotification, type DecodedNotification } from './notifications/decode.js';
export { Deduper, eventKey } from './notifications/dedupe.js';

export type * from './models/common.js';
export type * from './models/directory.js';
export type * from './models/notifications.js';
export type * from './models/conversation-events.js';
export type * from './models/detail-events.js';
export type * from './models/analytics.js';
export type * from './models/recordings.js';
export type * from './models/integrations.js';

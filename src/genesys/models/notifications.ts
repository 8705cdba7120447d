/**
 * Notifications REST and WebSocket shapes (Genesys Cloud docs, "Notification service", Genesys Cloud docs, "Notification service: WebSocket").
 */
import type { Open } from './common.js';

export interface Channel {
  id: string;
  /** The socket address. Never build it: always use what the API returned. */
  connectUri: string;
  /** ISO time; 24 h after creation or the last resubscribe. */
  expires?: string;
}

export interface ChannelTopic {
  id: string;
  state?: Open<'Permitted' | 'Rejected'>;
  rejectionReason?: string;
  missingPermissions?: string[];
  selfUri?: string;
}

export interface AvailableTopic {
  id: string;
  description?: string;
  requiresPermissions?: string[];
  requiresDivisionPermissions?: boolean;
  requiresCurrentUser?: boolean;
  requiresCurrentUserOrPermission?: boolean;
  transports?: Open<'Websocket' | 'EventBridge' | 'ProcessAutomation' | 'All'>[];
  schema?: Record<string, unknown>;
  topicParameters?: string[];
  enforced?: boolean;
  visibility?: string;
}

/** Every WebSocket frame from the server. */
export interface NotificationEnvelope<B = unknown> {
  topicName: string;
  version?: string;
  eventBody: B;
  metadata?: { CorrelationId?: string };
}

/** Body of `v2.system.*` messages such as `socket_closing`. */
export interface SystemMessage {
  channelId?: string;
  systemTopicType?: string;
  correlationId?: string;
  organizationId?: string;
  userId?: string;
  oauthClientId?: string;
  oauthClientOrgId?: string;
  reason?: string;
  message?: string;
  data?: Record<string, unknown>;
}

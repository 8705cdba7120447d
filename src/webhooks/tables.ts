/**
 * Webhook delivery state, portable across SQLite and PostgreSQL (timestamps
 * as ISO-8601 text, which sorts like time).
 *
 * - `webhook_streams`: one row per (tenant, endpoint, conversation): the next
 *   outbox seq to deliver, when work is due (null: caught up), and the lease of
 *   the replica sending it, so events of one conversation go out one at a time,
 *   in order, from one replica.
 * - `webhook_deliveries`: the delivery log, one row per (endpoint, event) that
 *   was attempted: status, attempts, the last response or error.
 */
export type WebhookStreamsTable = {
  tenant_id: string;
  endpoint: string;
  conversation_id: string;
  next_seq: number;
  next_attempt_at: string | null;
  leased_by: string | null;
  leased_until: string | null;
  updated_at: string;
};

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export type WebhookDeliveriesTable = {
  tenant_id: string;
  endpoint: string;
  conversation_id: string;
  seq: number;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  first_attempt_at: string | null;
  last_attempt_at: string | null;
  delivered_at: string | null;
};

export type WebhookTables = {
  webhook_streams: WebhookStreamsTable;
  webhook_deliveries: WebhookDeliveriesTable;
};

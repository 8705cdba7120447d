/**
 * Standard Webhooks signing (https://www.standardwebhooks.com, spec in the
 * standard-webhooks/standard-webhooks repository): HMAC-SHA256 over
 * "{webhook-id}.{webhook-timestamp}.{body}", keyed by the base64-decoded part
 * of the `whsec_` secret, sent as `v1,<base64>`.
 */
import { createHash, createHmac } from 'node:crypto';

export function signature(secret: string, id: string, timestampSec: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSec}.${body}`).digest('base64')}`;
}

/**
 * The `webhook-id` of one event to one endpoint: derived, so it is the same on
 * every attempt, from every replica, and on a redelivery (receivers dedupe by it).
 */
export function webhookId(tenant: string, endpoint: string, conversationId: string, seq: number): string {
  return `msg_${createHash('sha256').update(`${tenant}\n${endpoint}\n${conversationId}\n${seq}`).digest('hex').slice(0, 32)}`;
}

export function signedHeaders(secret: string, id: string, timestampSec: number, body: string): Record<string, string> {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSec), 'webhook-signature': signature(secret, id, timestampSec, body) };
}

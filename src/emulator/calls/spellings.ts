/**
 * Genesys spells the same facts three ways: calls topics use lowercase
 * dotted disconnect types, detail events UPPER_SNAKE, analytics camelCase
 * (Genesys Cloud docs, topic "v2.users.{id}.conversations.calls", Genesys Cloud docs, topic "v2.detail.events.conversation.{id}", Genesys Cloud docs, "Analytics conversation detail model"). One table keeps them in step.
 */
import type { Disconnect } from './timeline.js';

const DETAIL: Record<Disconnect, string> = {
  endpoint: 'ENDPOINT',
  client: 'CLIENT',
  peer: 'PEER',
  transfer: 'TRANSFER',
  'transfer.consult': 'CONSULT_TRANSFER',
  system: 'SYSTEM',
};

const ANALYTICS: Record<Disconnect, string> = {
  endpoint: 'endpoint',
  client: 'client',
  peer: 'peer',
  transfer: 'transfer',
  'transfer.consult': 'consultTransfer',
  system: 'system',
};

export const detailDisconnect = (d: Disconnect): string => DETAIL[d];
export const analyticsDisconnect = (d: Disconnect): string => ANALYTICS[d];

export const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The topics the emulator publishes (what `availabletopics` lists and what a
 * subscription may name), and the permission check with its test toggle.
 */
import { globMatch } from '../core/glob.js';

export interface TopicTemplate {
  id: string;
  description: string;
  requiresPermissions: string[];
}

const DETAIL = ['customer.start', 'customer.end', 'flow.start', 'flow.end', 'acd.start', 'acd.end', 'user.start', 'user.end', 'acw', 'wrapup'];
const DETAIL_PERMS = ['analytics:conversationDetail:view'];
const CONV_PERMS = ['conversation:communication:view'];

export const TOPICS: TopicTemplate[] = [
  { id: 'v2.users.{id}.conversations', description: 'All conversations of a user, full snapshots', requiresPermissions: CONV_PERMS },
  { id: 'v2.users.{id}.conversations.calls', description: 'Voice conversations of a user, full snapshots', requiresPermissions: CONV_PERMS },
  { id: 'v2.users.{id}.conversations.{id}.recordings', description: 'Recordings of a user\'s conversation became available', requiresPermissions: ['recording:recording:view'] },
  ...DETAIL.map((s) => ({ id: `v2.detail.events.conversation.{id}.${s}`, description: `Conversation detail event: ${s}`, requiresPermissions: DETAIL_PERMS })),
  { id: 'v2.analytics.conversations.details.jobs.availability', description: 'The data lake watermark moved', requiresPermissions: ['analytics:conversationDetail:view'] },
];

const ID = '[0-9A-Za-z][0-9A-Za-z-]*';
const MATCHERS = TOPICS.map((t) => new RegExp(`^${t.id.replace(/\./g, '\\.').replace(/\{id\}/g, ID)}$`));

export function isKnownTopic(topic: string): boolean {
  return MATCHERS.some((m) => m.test(topic));
}

export function availableTopic(t: TopicTemplate, expand: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = { id: t.id };
  if (expand.has('description')) out.description = t.description;
  if (expand.has('requirespermissions')) out.requiresPermissions = t.requiresPermissions;
  if (expand.has('transports')) out.transports = ['Websocket', 'EventBridge'];
  if (expand.has('enforced')) out.enforced = false;
  if (expand.has('visibility')) out.visibility = 'Public';
  return out;
}

export interface Rejection {
  pattern: string;
  missingPermissions: string[];
}

/** The first rejection rule that matches, if any (the test toggle for permission failures). */
export function rejectionFor(topic: string, rules: Rejection[]): Rejection | undefined {
  return rules.find((r) => globMatch(r.pattern, topic));
}

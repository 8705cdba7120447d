/**
 * The common conversation events, version 1: one zod schema per type is the
 * single source of the TypeScript types, of runtime validation and of the
 * published JSON Schemas in docs/events/<type>.v1.json (generated from these
 * by test/conversations/event-schemas.test.ts, which fails when they drift).
 *
 * Every event carries the tenant (Genesys organization id), the conversation,
 * when the change happened (`occurredAt`, from Genesys timestamps when the
 * snapshot has one) and `seq`, its position in the conversation's own event
 * sequence (1, 2, 3 … without gaps): consumers order and de-duplicate by
 * (conversationId, seq).
 */
import { EVENT_TYPES, type EventType } from '../../protocol/events/index.js';
import { z } from 'zod';

export const EVENT_VERSION = 1 as const;

const participant = z.object({
  participantId: z.string(),
  purpose: z.string().describe('Genesys participant purpose: customer, ivr, acd, agent, …'),
  userId: z.string().optional(),
  name: z.string().optional(),
});

const agent = z.object({
  participantId: z.string(),
  userId: z.string(),
  name: z.string().optional(),
  queueId: z.string().optional(),
});

const base = {
  version: z.literal(EVENT_VERSION),
  tenant: z.string().describe('Genesys Cloud organization id'),
  conversationId: z.string(),
  seq: z.int().min(1).describe('Position in this conversation\'s event sequence, from 1, without gaps'),
  occurredAt: z.iso.datetime(),
  enrichment: z
    .record(z.string(), z.record(z.string(), z.unknown()))
    .optional()
    .describe('Data attached by in-process plugins before the event was recorded, by plugin name (docs/plugins.md); absent when none did'),
};

export const conversationCreated = z.object({
  ...base,
  type: z.literal('conversation.created'),
  direction: z.string().optional(),
  ani: z.string().optional(),
  dnis: z.string().optional(),
});

export const participantAdded = z.object({ ...base, type: z.literal('participant.added'), participant });

export const agentConnected = z.object({ ...base, type: z.literal('agent.connected'), agent });

export const agentTransferred = z.object({
  ...base,
  type: z.literal('agent.transferred'),
  kind: z.enum(['blind', 'consult']),
  agent: agent.describe('The agent who transferred the call (same as `from`)'),
  from: agent,
  to: agent.nullable().describe('The agent the call went to; null when the call ended before one was seen'),
});

export const agentDisconnected = z.object({
  ...base,
  type: z.literal('agent.disconnected'),
  agent,
  disconnectType: z.string().optional().describe('Genesys disconnect type, topic spelling (endpoint, client, peer, …)'),
});

export const conversationEnded = z.object({ ...base, type: z.literal('conversation.ended') });

export const conversationImported = z.object({
  ...base,
  type: z.literal('conversation.imported'),
  participants: z.int().min(0).describe('How many participants the analytics record has'),
});

const updateChange = z.discriminatedUnion('change', [
  z.object({ change: z.literal('hold'), participant }),
  z.object({ change: z.literal('resume'), participant }),
  z.object({ change: z.literal('participant.disconnected'), participant, disconnectType: z.string().optional() }),
  z.object({ change: z.literal('wrapup'), participant, agent: agent.optional(), code: z.string() }),
  z.object({ change: z.literal('survey'), surveyId: z.string() }),
  z.object({ change: z.literal('evaluation'), evaluationId: z.string() }),
]);

export const conversationUpdated = z.intersection(z.object({ ...base, type: z.literal('conversation.updated') }), updateChange);

/** A guidance rule fired on a live or analysed call (docs/guidance.md); offsets are on the AudioHook stream timeline. */
export const guidanceTriggered = z.object({
  ...base,
  type: z.literal('guidance.triggered'),
  rule: z.string().describe('The rule\'s name, as the tenant configured it'),
  kind: z.enum(['phrase', 'silence', 'overtalk', 'talk-ratio', 'level-rising']),
  party: z.enum(['customer', 'agent']).optional().describe('Whose speech the evidence is; absent for silence and overtalk'),
  startMs: z.number().min(0).describe('Where the evidence starts, milliseconds on the call\'s audio stream timeline'),
  endMs: z.number().min(0).describe('Where the evidence ends (the rule fires within 1 s of it)'),
  evidence: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).describe('Bounded values that explain the firing: the phrase heard, the silence\'s length, the ratio …'),
  agent: z.object({ userId: z.string(), name: z.string().optional() }).optional().describe('The monitored agent on the call when the rule fired'),
  source: z.enum(['live', 'post-call']).describe('Live analysis of the admitted audio, or the post-call analysis of the imported recording'),
});

export const EVENT_SCHEMAS = {
  'conversation.created': conversationCreated,
  'participant.added': participantAdded,
  'agent.connected': agentConnected,
  'agent.transferred': agentTransferred,
  'agent.disconnected': agentDisconnected,
  'conversation.ended': conversationEnded,
  'conversation.imported': conversationImported,
  'conversation.updated': conversationUpdated,
  'guidance.triggered': guidanceTriggered,
} as const satisfies Record<EventType, z.ZodType>;

export { EVENT_TYPES, type EventType };

export type ParticipantRef = z.infer<typeof participant>;
export type AgentRef = z.infer<typeof agent>;
export type CommonEvent = { [K in EventType]: z.infer<(typeof EVENT_SCHEMAS)[K]> }[EventType];
export type UpdateChange = z.infer<typeof updateChange>;

/** An event before the store numbers it: the deriver does not know the stored sequence. */
export type DerivedEvent = CommonEvent extends infer E ? (E extends CommonEvent ? Omit<E, 'seq'> : never) : never;

/** The published JSON Schema (draft 2020-12) of one event type. */
export function eventJsonSchema(type: EventType): Record<string, unknown> {
  const schema = z.toJSONSchema(EVENT_SCHEMAS[type], { target: 'draft-2020-12' });
  return { ...schema, $id: `urn:hookline:event:${type}:v${EVENT_VERSION}`, title: `${type} v${EVENT_VERSION}` };
}

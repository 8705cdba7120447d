/**
 * The read API's request and response shapes: one zod schema each, the single
 * source of request validation (routes.ts) and of the OpenAPI document
 * (openapi.ts). Responses are typed by these schemas at compile time.
 */
import { z } from 'zod';
import { EVENT_SCHEMAS } from '../conversations/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Genesys ids are UUIDs; any case in, lower case everywhere after. */
export const uuid = z.string().regex(UUID, 'must be a UUID').transform((s) => s.toLowerCase());

/** An instant in ISO-8601, normalized to `toISOString()` (how stored times compare as text). */
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString());

const limit = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt).describe(`Page size, at most ${max}`);

const cursor = z.string().max(512).describe('Opaque: the `nextCursor` of the previous page');

export const CONVERSATION_STATES = ['live', 'ended', 'imported'] as const;

export const conversationListQuery = z.strictObject({
  tenant: uuid.optional().describe("The token's own tenant (optional; any other is refused)"),
  agent: uuid.optional().describe('Only conversations this agent (Genesys user id) took part in'),
  from: instant.optional().describe('Conversations that started at or after this instant'),
  to: instant.optional().describe('Conversations that started before this instant'),
  state: z.enum(CONVERSATION_STATES).optional().describe('live: in progress; ended: over, not imported yet; imported: analytics and recordings stored'),
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('Free text, case-insensitive: the start of a conversation id, or (conversations with an analytics record) part of a participant name or phone number'),
  cursor: cursor.optional(),
  limit: limit(200, 50),
});

export const conversationParams = z.strictObject({ id: uuid.describe('Conversation id') });

export const eventListQuery = z.strictObject({
  tenant: uuid.optional().describe("The token's own tenant (optional; any other is refused)"),
  conversation: uuid.optional().describe('Only this conversation'),
  type: z.enum(Object.keys(EVENT_SCHEMAS) as [keyof typeof EVENT_SCHEMAS, ...(keyof typeof EVENT_SCHEMAS)[]]).optional(),
  after: cursor.optional(),
  limit: limit(500, 100),
});

const text = z.string().nullable();
const json = z.unknown().describe('JSON as Genesys sent it');

export const conversationSummary = z.object({
  conversationId: z.string(),
  state: z.enum(CONVERSATION_STATES),
  startedAt: z.string(),
  endedAt: text,
});

export const conversationPage = z.object({
  items: z.array(conversationSummary),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
});

const participant = z.object({
  participantId: z.string(),
  purpose: z.string(),
  userId: text,
  participantName: text,
  teamId: text,
  externalContactId: text,
  flaggedReason: text,
  attributes: json,
});

const session = z.object({
  participantId: z.string(),
  sessionId: z.string(),
  mediaType: z.string(),
  direction: text,
  ani: text,
  dnis: text,
  sessionDnis: text,
  remote: text,
  peerId: text,
  provider: text,
  edgeId: text,
  protocolCallId: text,
  recording: z.boolean().nullable(),
  requestedRoutings: json,
  usedRouting: text,
  selectedAgentId: text,
  flow: json,
  mediaEndpointStats: json,
});

const segment = z.object({
  participantId: z.string(),
  sessionId: z.string(),
  ordinal: z.int(),
  segmentType: z.string(),
  segmentStart: z.string(),
  segmentEnd: text,
  queueId: text,
  groupId: text,
  wrapUpCode: text,
  wrapUpNote: text,
  wrapUpTags: json,
  disconnectType: text,
  conference: z.boolean().nullable(),
  errorCode: text,
  properties: json,
});

const metric = z.object({
  participantId: z.string(),
  sessionId: z.string(),
  ordinal: z.int(),
  name: z.string(),
  value: z.number(),
  emitDate: z.string(),
});

const recording = z.object({
  recordingId: z.string(),
  objectKey: z.string().describe('Key in the configured object store (objects.url)'),
  format: z.string(),
  contentType: text,
  size: z.int(),
  sha256: z.string(),
  media: text,
  startTime: text,
  endTime: text,
  importedAt: z.string(),
});

const liveParticipant = z.object({
  id: z.string(),
  purpose: z.string(),
  userId: z.string().optional(),
  name: z.string().optional(),
  queueId: z.string().optional(),
  stage: z.enum(['pending', 'connected', 'ended']),
  startTime: z.string().optional(),
  connectedTime: z.string().optional(),
  endTime: z.string().optional(),
  disconnectType: z.string().optional(),
  heldSince: z.string().optional(),
  wrapupCode: z.string().optional(),
});

const live = z.object({
  seq: z.int().describe('The last event\'s sequence number'),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  direction: z.string().optional(),
  ani: z.string().optional(),
  dnis: z.string().optional(),
  participants: z.array(liveParticipant),
  importedAt: z.string().optional(),
});

const event = z.union(Object.values(EVENT_SCHEMAS)).describe('A common event (docs/events/<type>.v1.json)');

export const conversationDetail = z.object({
  ...conversationSummary.shape,
  importedAt: text,
  participants: z.array(participant),
  sessions: z.array(session),
  segments: z.array(segment),
  metrics: z.array(metric),
  recordings: z.array(recording),
  live: live.nullable().describe('The live model; null when the conversation was never tracked live'),
  events: z.array(event),
});

export const eventPage = z.object({
  items: z.array(event),
  nextCursor: z.string().nullable().describe('Position after the last item: pass as `after` for the next page, or to poll for newer events (null only when there were none and no `after`)'),
  hasMore: z.boolean().describe('More events follow now: fetch again at once'),
});

export const tokenList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      scope: z.enum(['read', 'admin']),
      token: z.string().describe('Masked: at most the last 4 characters'),
      createdAt: z.string(),
      lastUsedAt: text,
      revokedAt: text,
    }),
  ),
});

export const problem = z.object({
  error: z.string().describe('What is wrong, naming the field'),
});

export const dataActionParams = z.strictObject({ tenant: uuid.describe('The tenant (Genesys organization id)') });
export const dataActionBody = z.strictObject({ conversationId: uuid.describe('Genesys conversation id') });

export const GATE_DECISIONS = ['admitted', 'held', 'refused', 'none'] as const;
export const CAPTURE_STATES = ['streaming', 'paused', 'ended', 'none'] as const;

/** Flat, strings/booleans/numbers only, no nulls: a Data Action output contract maps it as it is. */
export const conversationContext = z.object({
  conversationId: z.string(),
  found: z.boolean().describe('Hookline knows the conversation (live model, imported, or a capture session)'),
  tracked: z.boolean().describe('The live model follows it (a monitored agent took part)'),
  agentUserId: z.string().describe('The monitored agent who has (or last had) the call; empty when none'),
  agentName: z.string(),
  gateDecision: z.enum(GATE_DECISIONS),
  captureState: z.enum(CAPTURE_STATES),
  recording: z.boolean().describe('Audio is being recorded now'),
  lastEventType: z.string().describe('Empty when none'),
  lastEventAt: z.string().describe('ISO-8601; empty when none'),
});

export type ConversationSummary = z.infer<typeof conversationSummary>;
export type ConversationDetail = z.infer<typeof conversationDetail>;
export type ConversationListQuery = z.infer<typeof conversationListQuery>;
export type EventListQuery = z.infer<typeof eventListQuery>;
export type ConversationContext = z.infer<typeof conversationContext>;
export type GateDecision = (typeof GATE_DECISIONS)[number];
export type CaptureState = (typeof CAPTURE_STATES)[number];

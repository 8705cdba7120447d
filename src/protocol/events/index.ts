/**
 * The names of Hookline's common events: the published contract integrators
 * filter on (webhook `events`, plugins, the read API; schemas in docs/events/).
 * A wire-level list with no dependency, so configuration can validate event
 * filters without loading the live model. The live model's schemas
 * (src/conversations/live/events.ts) are typed to cover exactly these names.
 */
export const EVENT_TYPES = [
  'conversation.created',
  'participant.added',
  'agent.connected',
  'agent.transferred',
  'agent.disconnected',
  'conversation.ended',
  'conversation.imported',
  'conversation.updated',
  'guidance.triggered',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

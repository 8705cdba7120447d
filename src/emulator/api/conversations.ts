/**
 * The conversation as it is now, for a client that missed notifications:
 * `GET /api/v2/conversations/{conversationId}` (the generic `Conversation`,
 * per-media `calls[]`) and `GET /api/v2/conversations/calls/{conversationId}`
 * (the `CallConversation`, flat participants) — see the Platform API
 * reference, "Conversations" resource. Both are built from the same call
 * timeline as the notifications and analytics, so the views agree; a
 * conversation not started yet, of another org or unknown is a 404.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Call } from '../calls/engine.js';
import { callsSnapshot, conversationSnapshot } from '../calls/snapshot.js';
import { iso } from '../calls/spellings.js';
import type { EmulatorContext } from '../context.js';
import { notFound } from '../errors.js';
import { orgOf, type WithParams } from '../http/request.js';

type Json = Record<string, unknown>;

export function conversationRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const callOf = (req: FastifyRequest<WithParams<'conversationId'>>): Call => {
    const id = req.params.conversationId.toLowerCase();
    const call = ctx.calls.get(id);
    if (!call || call.timeline.orgId !== orgOf(req).id || ctx.clock.now() < call.timeline.start) throw notFound(`Conversation ${id} was not found.`);
    return call;
  };

  /** What the resource adds to the notification body: times and its own URI. */
  const times = (t: Call['timeline'], at: number, selfUri: string): Json => {
    return { startTime: iso(t.start), ...(at >= t.end ? { endTime: iso(t.end) } : {}), selfUri };
  };

  app.get<WithParams<'conversationId'>>('/api/v2/conversations/calls/:conversationId', async (req) => {
    const call = callOf(req);
    return { ...callsSnapshot(call.timeline, ctx.clock.now()), selfUri: `/api/v2/conversations/calls/${call.timeline.conversationId}` };
  });

  app.get<WithParams<'conversationId'>>('/api/v2/conversations/:conversationId', async (req) => {
    const call = callOf(req);
    const at = ctx.clock.now();
    const t = call.timeline;
    const body = conversationSnapshot(t, at);
    const { maxParticipants, recordingState, divisions } = callsSnapshot(t, at);
    return { ...body, ...times(t, at, `/api/v2/conversations/${t.conversationId}`), maxParticipants, recordingState, divisions };
  });
}

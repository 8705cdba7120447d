/**
 * A conversation's current state (Platform API "Conversations" resource:
 * `GET /api/v2/conversations/{conversationId}` and
 * `GET /api/v2/conversations/calls/{conversationId}`). Unlike analytics, it
 * has no indexing lag: what a client reads when it missed the notifications.
 */
import type { CallConversation, Conversation } from '../models/conversation-events.js';
import { normalizeCallConversation, normalizeConversation } from '../models/normalize.js';
import { seg, type ApiContext } from './context.js';

export interface ConversationsApi {
  /** The conversation (per-media `calls[]`), or undefined when Genesys does not know it (404). */
  get(conversationId: string): Promise<Conversation | undefined>;
  /** The call conversation (flat participants, as on the `.calls` topic), or undefined on 404. */
  getCall(conversationId: string): Promise<CallConversation | undefined>;
}

const BASE = '/api/v2/conversations';

export function conversationsApi(ctx: ApiContext): ConversationsApi {
  return {
    async get(conversationId) {
      const res = await ctx.request<unknown>('GET', `${BASE}/${seg(conversationId)}`, { accept: [404] });
      return res.status === 404 ? undefined : normalizeConversation(res.body);
    },
    async getCall(conversationId) {
      const res = await ctx.request<unknown>('GET', `${BASE}/calls/${seg(conversationId)}`, { accept: [404] });
      return res.status === 404 ? undefined : normalizeCallConversation(res.body);
    },
  };
}

/**
 * Conversations for the API tests, written through the conversation model's
 * own stores: imported ones through ConversationStore, live and ended ones
 * through LiveStore (snapshots as the user topic carries them).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { ReadModel, TokenStore, readRoutes, registerRoutes, type ReadModelOptions } from '../../src/api/index.js';
import { ConversationStore, LiveStore, normalize, type SnapshotLike } from '../../src/conversations/index.js';
import type { Db } from '../../src/platform/db/index.js';

export const at = (minute: number): string => new Date(Date.UTC(2024, 4, 1, 10, minute)).toISOString();

function snapshot(id: string, agent: string, start: string, end?: string): SnapshotLike {
  const state = end ? 'disconnected' : 'connected';
  const times = { startTime: start, connectedTime: start, ...(end ? { endTime: end } : {}) };
  return {
    id,
    participants: [
      { id: `${id}-c`, purpose: 'customer', state, ...times },
      { id: `${id}-a`, purpose: 'agent', state, userId: agent, name: 'Alice Agent', ...times },
    ],
  };
}

export async function liveCall(live: LiveStore, tenant: string, id: string, agent: string, start: string, end?: string): Promise<void> {
  await live.apply(tenant, { kind: 'snapshot', snapshot: snapshot(id, agent, start) });
  if (end) await live.apply(tenant, { kind: 'snapshot', snapshot: snapshot(id, agent, start, end) });
}

export async function importedCall(store: ConversationStore, tenant: string, id: string, agent: string, start: string, imported = true): Promise<void> {
  await store.replace(
    normalize(tenant, {
      conversationId: id,
      conversationStart: start,
      conversationEnd: start.replace(':00.000Z', ':30.000Z'),
      participants: [
        { participantId: 'pc', purpose: 'customer', sessions: [{ sessionId: 's-c', mediaType: 'voice', direction: 'inbound', ani: 'tel:+1555', segments: [{ segmentType: 'interact', segmentStart: start }], metrics: [{ name: 'nConnected', value: 1, emitDate: start }] }] },
        { participantId: 'pa', purpose: 'agent', userId: agent, participantName: 'Alice Agent', sessions: [{ sessionId: 's-a', mediaType: 'voice', recording: true, segments: [{ segmentType: 'interact', segmentStart: start, conference: false }] }] },
      ],
    }, start),
  );
  if (!imported) return;
  await store.putRecording({ tenant_id: tenant, conversation_id: id, recording_id: `${id.slice(0, 8)}-rec`, object_key: `imports/${tenant}/${id}.wav`, format: 'WAV_ULAW', content_type: 'audio/wav', size: 1234, sha256: 'ab'.repeat(32), media: 'audio', start_time: start, end_time: null, imported_at: start });
  await store.markImported(tenant, id, 1, start);
}

/** The read routes on a bare Fastify app (no port): what the admin listener serves under /api/v1. */
export async function readApi(db: Db, options: ReadModelOptions = { eventsSettleMs: 0 }): Promise<{ app: FastifyInstance; tokens: TokenStore; store: ConversationStore; live: LiveStore }> {
  const store = new ConversationStore(db);
  const live = new LiveStore(db);
  const tokens = new TokenStore(db);
  const app = Fastify();
  registerRoutes(app, readRoutes({ read: new ReadModel(db, store, live, options), tokens }), { tokens });
  await app.ready();
  return { app, tokens, store, live };
}

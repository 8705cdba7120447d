/**
 * The conversation context a Genesys Architect flow asks for through a Web
 * Services Data Action (docs/data-actions.md): flat, strings and booleans
 * only, never null, so its output contract maps every field as it is.
 */
import type { ConversationStore, LiveState, LiveStore } from '../conversations/index.js';
import type { ConversationContext } from './schemas.js';
import type { SessionStatus, SessionStatusStore } from './session-status.js';

export interface ContextDeps {
  store: ConversationStore;
  live: LiveStore;
  status: SessionStatusStore;
  /** Whether admitted audio goes to the recorder (recorder.enabled). */
  recorderEnabled: boolean;
}

/** The agent who has the call now, else the last one who had it. */
function agentOf(status: SessionStatus | undefined, live: LiveState | undefined): { id: string; name: string } {
  if (status?.agentUserId) return { id: status.agentUserId, name: status.agentName ?? '' };
  const agents = (live?.participants ?? []).filter((p) => p.purpose === 'agent' && p.userId);
  const current = agents.filter((p) => p.stage === 'connected').at(-1) ?? agents.at(-1);
  return { id: current?.userId ?? '', name: current?.name ?? '' };
}

export class ConversationContextService {
  constructor(private readonly d: ContextDeps) {}

  async context(tenant: string, conversationId: string): Promise<ConversationContext> {
    const [live, events, imported, status] = await Promise.all([
      this.d.live.get(tenant, conversationId),
      this.d.live.events(tenant, conversationId),
      this.d.store.isImported(tenant, conversationId),
      this.d.status.get(tenant, conversationId),
    ]);
    const last = events.at(-1);
    const agent = agentOf(status, live);
    const captureState = status?.capture ?? 'none';
    return {
      conversationId,
      found: live !== undefined || imported || status !== undefined,
      tracked: live !== undefined,
      agentUserId: agent.id,
      agentName: agent.name,
      gateDecision: status?.gate ?? 'none',
      captureState,
      recording: this.d.recorderEnabled && captureState === 'streaming',
      lastEventType: last?.type ?? '',
      lastEventAt: last?.occurredAt ?? '',
    };
  }
}

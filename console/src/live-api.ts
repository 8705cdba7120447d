/**
 * The live API's pushed updates in the browser: an EventSource on one of the
 * documented Server-Sent Events routes (/api/v1/events/stream,
 * /api/v1/live/calls/stream; see openapi.json), same origin with the session
 * cookie, the tenant in the query. The browser reconnects a dropped stream by
 * itself (https://html.spec.whatwg.org/multipage/server-sent-events.html);
 * the calls stream starts each connection with a fresh snapshot.
 */
import { useEffect, useRef, useState } from 'react';

export interface LiveLevels {
  customer: number | null;
  agent: number | null;
  at: string;
}

export interface LiveCall {
  conversationId: string;
  agent: { id: string; name?: string } | null;
  state: 'held' | 'admitted' | 'paused';
  gate: 'admitted' | 'held' | 'refused' | 'none';
  startedAt: string;
  levels: LiveLevels | null;
  forwarded: string[];
}

export type LiveCallPatch = Partial<LiveCall> & { conversationId: string };

export interface AgentRef {
  userId: string;
  name?: string;
}

/** A common event as the stream sends it (docs/events): the fields the Notifications page reads. */
export interface CommonEvent {
  type: string;
  tenant: string;
  conversationId: string;
  seq: number;
  occurredAt: string;
  agent?: AgentRef;
  from?: AgentRef;
  to?: AgentRef | null;
  participant?: AgentRef & { purpose?: string };
  change?: string;
  rule?: string;
  kind?: string;
  party?: string;
  startMs?: number;
  endMs?: number;
  evidence?: Record<string, string | number | boolean>;
  source?: string;
}

export type StreamState = 'connecting' | 'open' | 'reconnecting';

/**
 * Keeps an EventSource open on `/api/v1/<path>` for the tenant while mounted; `on` maps SSE event names
 * to handlers of their parsed data. Answers the connection's state, for the page to say.
 */
export function useEventStream(path: string, tenant: string, query: Record<string, string>, on: Record<string, (data: unknown) => void>): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const handlers = useRef(on);
  handlers.current = on;
  const qs = new URLSearchParams({ tenant, ...query }).toString();
  useEffect(() => {
    const source = new EventSource(`/api/v1/${path}?${qs}`);
    setState('connecting');
    source.onopen = () => setState('open');
    source.onerror = () => setState('reconnecting');
    const names = Object.keys(handlers.current);
    const listeners = names.map((name) => {
      const listener = (e: MessageEvent<string>) => {
        try {
          handlers.current[name]?.(JSON.parse(e.data) as unknown);
        } catch {
          // A message this page cannot read is skipped; the next one may be fine.
        }
      };
      source.addEventListener(name, listener);
      return listener;
    });
    return () => {
      names.forEach((name, i) => source.removeEventListener(name, listeners[i] as (e: MessageEvent<string>) => void));
      source.close();
    };
  }, [path, qs]);
  return state;
}

export const streamText: Record<StreamState, string> = {
  connecting: 'Connecting to live updates…',
  open: 'Live updates connected.',
  reconnecting: 'Live updates interrupted; reconnecting…',
};

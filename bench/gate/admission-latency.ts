/**
 * Admission latency from the emulator's logs, per call: from the moment the
 * emulator handed the agent-connected notification to the socket (the first
 * `v2.users.{id}.conversations.calls` snapshot of the conversation with an
 * agent participant `connected`) to the moment its AudioHook client received
 * Hookline's `resume`. Both are real times read in the emulator's process.
 */
import type { AudioHookEntry, NotificationEntry } from '../../src/emulator/index.js';

interface Snapshot {
  id?: string;
  participants?: { purpose?: string; state?: string }[];
}

export interface AdmissionSample {
  /** Milliseconds per measured call. */
  latencies: number[];
  /** Calls that could not be measured, by reason. */
  unmeasured: Record<string, number>;
}

const isAgentConnected = (body: unknown): boolean => ((body as Snapshot)?.participants ?? []).some((p) => p.purpose === 'agent' && p.state === 'connected');

/** Conversation id → real time of its first agent-connected notification. */
export function agentConnectedTimes(entries: readonly NotificationEntry[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    const id = (e.body as Snapshot)?.id;
    if (!e.topic.endsWith('.conversations.calls') || !id || out.has(id) || !isAgentConnected(e.body)) continue;
    out.set(id, e.sentAtMs);
  }
  return out;
}

function classify(s: AudioHookEntry, eventAt: number | undefined): number | string {
  const resumedAt = s.resumedAtMs?.[0];
  if (s.pauses === 0 && s.framesSent > 0) return 'admitted at open (never held)';
  if (eventAt === undefined) return 'no agent-connected notification';
  if (resumedAt === undefined) return 'never resumed';
  if (resumedAt < eventAt) return 'resumed before the notification';
  return resumedAt - eventAt;
}

export function admissionSample(sessions: readonly AudioHookEntry[], notifications: readonly NotificationEntry[]): AdmissionSample {
  const events = agentConnectedTimes(notifications);
  const out: AdmissionSample = { latencies: [], unmeasured: {} };
  for (const s of sessions) {
    if (s.kind !== 'call') continue;
    const v = classify(s, events.get(s.conversationId));
    if (typeof v === 'number') out.latencies.push(v);
    else out.unmeasured[v] = (out.unmeasured[v] ?? 0) + 1;
  }
  return out;
}

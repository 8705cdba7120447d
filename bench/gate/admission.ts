/**
 * One admission case: a steady stream of inbound calls in the emulator, each
 * dialled to Hookline when the customer connects (before the agent answers),
 * so the gate holds the session paused until the leader's agent-connected
 * event, then resumes it. The latency of each resume is read from the
 * emulator's logs (admission-latency.ts).
 */
import type { AudioHookEntry, EmulatorControl } from '../../src/emulator/index.js';
import { summarize, type Summary } from '../../src/simulate/index.js';
import { admissionSample } from './admission-latency.js';
import { startStack } from './admission-stack.js';
import type { RunningHookline } from './hookline.js';
import { sleep } from './processes.js';

export interface AdmissionCase {
  replicas: 1 | 2;
  calls: number;
  callsPerSecond: number;
  agents: number;
  /** Configuration keys added to every replica (plugins, say); none for bench:gate. */
  config?: Record<string, unknown>;
  /** Metrics to read from the replicas at the end, summed over replicas and labels. */
  metrics?: readonly string[];
}

export interface AdmissionResult {
  spec: AdmissionCase;
  latencyMs: Summary;
  unmeasured: Record<string, number>;
  /** Sessions that did not end with the client's own `close(end)`, by result. */
  unclean: Record<string, number>;
  /** AudioHook sessions each replica opened: all on the last one (B) with two replicas. */
  sessionsPerReplica: number[];
  /** The `metrics` the case asked for, read after every session ended. */
  metrics: Record<string, number>;
}

/** Short fixed call phases: the agent answers 1 s after the session opened; 4 s talk. */
const DURATIONS = { ivrMs: 300, queueMs: 300, alertMs: 400, acwMs: 300 };
const TALK_MS = 4000;
const DONE = new Set(['completed', 'failed', 'dropped']);

async function allEnded(control: EmulatorControl, calls: number, timeoutMs: number): Promise<AudioHookEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sessions = await control.audioHookLog({ kind: 'call' });
    if (sessions.length >= calls && sessions.every((s) => DONE.has(s.result))) return sessions;
    if (Date.now() > deadline) throw new Error(`only ${sessions.filter((s) => DONE.has(s.result)).length} of ${calls} AudioHook sessions ended in time`);
    await sleep(1000);
  }
}

function unclean(sessions: AudioHookEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sessions) {
    const ok = s.result === 'completed' && s.closeReason === 'end' && s.protocolErrors.length === 0;
    if (!ok) out[`${s.result}/${s.closeReason ?? '-'}`] = (out[`${s.result}/${s.closeReason ?? '-'}`] ?? 0) + 1;
  }
  return out;
}

async function readMetrics(replicas: readonly RunningHookline[], names: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of names) out[name] = (await Promise.all(replicas.map((r) => r.metric(name)))).reduce((a, b) => a + b, 0);
  return out;
}

export async function runAdmission(c: AdmissionCase): Promise<AdmissionResult> {
  const stack = await startStack(c.replicas, c.agents, c.calls, c.config);
  try {
    const control = stack.emu.control;
    await control.startLoad(stack.org.orgId, { callsPerMinute: c.callsPerSecond * 60, totalCalls: c.calls, talkMs: [TALK_MS, TALK_MS], durations: DURATIONS });
    const sessions = await allEnded(control, c.calls, (c.calls / c.callsPerSecond + 60) * 1000);
    const notifications = await control.notificationLog({ topicPrefix: 'v2.users.' });
    const sample = admissionSample(sessions, notifications);
    const sessionsPerReplica = await Promise.all(stack.replicas.map((r) => r.metric('hookline_audiohook_sessions_opened_total')));
    const metrics = await readMetrics(stack.replicas, c.metrics ?? []);
    return { spec: c, latencyMs: summarize(sample.latencies), unmeasured: sample.unmeasured, unclean: unclean(sessions), sessionsPerReplica, metrics };
  } finally {
    await stack.stop();
  }
}

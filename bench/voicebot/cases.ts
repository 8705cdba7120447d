/**
 * One step of a bench:voicebot case: N bot calls started evenly over the
 * ramp, each running its case's caller script until the bot ends it, with
 * Hookline's CPU (its own and its engine programs') and the load generator's
 * event-loop delay measured from the first start to the last end.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { BotCallEntry } from '../../src/emulator/botcall/entry.js';
import type { CallerStep } from '../../src/emulator/botcall/script.js';
import { sleep } from '../gate/processes.js';
import { childrenCpuSeconds, cpuSeconds } from '../lib/proc.js';
import { stepFigures, type StepFigures } from './measure.js';
import type { CaseName } from './options.js';
import type { VoicebotStack } from './stack.js';

/**
 * offline: "What is my order status?" (ASR) → the bot asks for the number →
 * keys unique to the call, so its confirmation is synthesized for real, not
 * taken from espeak-ng's prompt cache → "Goodbye." (ASR) → the bot ends.
 * protocol: two keypad inputs the demo bot answers with its no-match prompt,
 * then two silences (`PROTOCOL_SILENCE_MS`): "Are you still there?", then
 * goodbye and the end. Every input waits for the bot's prompt to finish.
 */
export function callerScript(c: CaseName, callIndex: number): CallerStep[] {
  if (c === 'offline') return [{ say: 'order-status' }, { dtmf: `${1000 + callIndex}#`, when: 'after-bot' }, { say: 'goodbye' }];
  return [{ dtmf: '1#', when: 'after-bot' }, { dtmf: '2#', when: 'after-bot' }];
}

/** The IVR segment bounds the bot leg: far longer than any script here, so only the bot ends a call. */
const DURATIONS = { ivrMs: 180_000, queueMs: 500, alertMs: 500, talkMs: 1000, acwMs: 500 };
/** After the last start, how long the calls may take to end before the rest count as failed. */
const END_TIMEOUT_MS = 120_000;

export interface StepResult {
  n: number;
  figures: StepFigures;
  /** Hookline's own CPU seconds, and its exited children's (pocketsphinx, espeak-ng). */
  hooklineCpuS: number;
  enginesCpuS: number;
  wallS: number;
  /** The load generator (this process: emulator and bench): event-loop delay p99 and CPU. */
  generatorLagP99Ms: number;
  generatorCpuPct: number;
}

let callCounter = 0;

async function startCalls(s: VoicebotStack, c: CaseName, n: number, rampMs: number): Promise<string[]> {
  const ids: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * rampMs) / n;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const call = await s.emu.control.startCall(s.org.orgId, {
      durations: DURATIONS,
      dialOut: { enabled: false },
      bot: { connectorId: c, integrationId: s.integrationId, script: callerScript(c, callCounter++) },
    });
    ids.push(call.conversationId);
  }
  return ids;
}

async function entriesWhenEnded(s: VoicebotStack, ids: readonly string[]): Promise<BotCallEntry[]> {
  const wanted = new Set(ids);
  const deadline = Date.now() + END_TIMEOUT_MS;
  for (;;) {
    const entries = (await s.emu.control.botCallLog({ integrationId: s.integrationId })).filter((e) => e.kind === 'bot' && wanted.has(e.conversationId));
    if ((entries.length === ids.length && entries.every((e) => e.endedAt !== undefined)) || Date.now() > deadline) return entries;
    await sleep(500);
  }
}

export async function runStep(s: VoicebotStack, c: CaseName, n: number, rampMs: number): Promise<StepResult> {
  const pid = s.hookline.pid;
  const lag = monitorEventLoopDelay({ resolution: 10 });
  const cpu0 = { own: cpuSeconds(pid), children: childrenCpuSeconds(pid), gen: process.cpuUsage() };
  const t0 = performance.now();
  lag.enable();
  let ids: string[];
  let entries: BotCallEntry[];
  try {
    ids = await startCalls(s, c, n, rampMs);
    entries = await entriesWhenEnded(s, ids);
  } finally {
    lag.disable();
  }
  // The engine programs of the last calls exit as their sessions close; give the server a moment to reap them.
  await sleep(1000);
  const wallS = (performance.now() - t0) / 1000;
  const gen = process.cpuUsage(cpu0.gen);
  return {
    n,
    figures: stepFigures(n, entries),
    hooklineCpuS: cpuSeconds(pid) - cpu0.own,
    enginesCpuS: childrenCpuSeconds(pid) - cpu0.children,
    wallS,
    generatorLagP99Ms: lag.percentile(99) / 1e6,
    generatorCpuPct: ((gen.user + gen.system) / 1e6 / wallS) * 100,
  };
}

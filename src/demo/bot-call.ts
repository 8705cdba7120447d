/**
 * The demo's voice-bot call: the emulator routes a caller through Architect's
 * Call Audio Connector to Hookline's AudioConnector endpoint, where the demo
 * bot answers by voice (pocketsphinx hears the caller, espeak-ng speaks), and
 * the call ends with the bot's output variables, as Architect would get them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wavHeader } from '../audio/index.js';
import type { EmulatorControl } from '../emulator/index.js';

/** The connector id the demo's tenant configures and its calls name. */
export const DEMO_CONNECTOR = 'demo-bot';
/** What the demo caller says, in order (emulator caller phrases), each after the bot's answer. */
const SCRIPT = [{ say: 'opening-hours' }, { say: 'goodbye' }];

export interface BotCallStatus {
  placed: number;
  /** The last finished bot call: what the bridge heard, how it ended, and its output variables. */
  last?: { heard: string[]; outcome: string; outputVariables: Record<string, string>; botAudioSeconds: number; rateLimited: number } | undefined;
}

export async function placeBotCall(control: EmulatorControl, orgId: string): Promise<string> {
  const call = await control.startCall(orgId, {
    durations: { ivrMs: 60_000, queueMs: 2000, alertMs: 2000, talkMs: 8000, acwMs: 3000 },
    bot: { connectorId: DEMO_CONNECTOR, inputVariables: { customerTier: 'gold' }, script: SCRIPT },
  });
  return call.conversationId;
}

export async function botCallStatus(control: EmulatorControl, conversationIds: readonly string[]): Promise<BotCallStatus> {
  const entries = (await control.botCallLog()).filter((e) => e.kind === 'bot' && conversationIds.includes(e.conversationId) && e.endedAt !== undefined);
  const last = entries.at(-1);
  if (!last) return { placed: conversationIds.length };
  return {
    placed: conversationIds.length,
    last: {
      heard: last.turnResponses.filter((t) => t.text !== undefined).map((t) => t.text as string),
      outcome: last.disconnect ? `disconnect ${last.disconnect.reason}` : last.result,
      outputVariables: last.disconnect?.outputVariables ?? {},
      botAudioSeconds: last.receivedBytes / 8000,
      rateLimited: last.rateLimited,
    },
  };
}

/** Writes what the caller heard from the bot (the emulator's copy) as a WAV to listen to; returns its path. */
export async function saveBotAudio(control: EmulatorControl, conversationId: string, dataDir: string): Promise<string | undefined> {
  const [entry] = await control.botCallLog({ conversationId });
  if (!entry) return undefined;
  const audio = Buffer.from(await control.botCallAudio(entry.sessionId));
  const path = join(dataDir, 'bot-call.wav');
  writeFileSync(path, Buffer.concat([wavHeader({ format: 'PCMU', channels: 1, rate: 8000 }, audio.length), audio]), { mode: 0o600 });
  return path;
}

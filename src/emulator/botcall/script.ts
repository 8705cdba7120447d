/**
 * What the caller does on a bot call (the leg Architect's "Call Audio
 * Connector" action hands to the bot): say a phrase when the bot has finished
 * speaking, after a pause, or over the bot (barge-in); press keys; hang up.
 */
import { z } from 'zod';

const when = z.union([z.literal('after-bot'), z.strictObject({ afterMs: z.number().int().min(0) })]);
const say = z.strictObject({
  /** A caller phrase name (fixtures/speech/caller/manifest.json). */
  say: z.string().min(1),
  /** `after-bot` (default): once the bot has played something and its playout drained; `{afterMs}`: that long after the previous step. */
  when: when.optional(),
  /** Speak over the bot: start `afterMs` (default botCalls.bargeInAfterMs) after its playback started. */
  bargeIn: z.literal(true).optional(),
  afterMs: z.number().int().min(0).optional(),
});
const dtmf = z.strictObject({
  dtmf: z.string().regex(/^[0-9*#A-D]{1,32}$/, 'keys 0-9 * # A-D, at most 32'),
  /** As for `say`, but the default is at once (keys pressed right after the previous step). */
  when: when.optional(),
});
const hangup = z.strictObject({ hangup: z.literal(true) });

export const callerStepSchema = z.union([say, dtmf, hangup]);
export type CallerStep = z.infer<typeof callerStepSchema>;

export const botOptionSchema = z.strictObject({
  /** Appended to the integration's base connection URI (path and query allowed, as in Architect). */
  connectorId: z.string().min(1).max(512).regex(/^[A-Za-z0-9._~\-/?=&%]+$/, 'URL path/query characters only'),
  /** An audio-connector integration of the org (default: its first active one). */
  integrationId: z.string().optional(),
  inputVariables: z.record(z.string(), z.string()).optional(),
  customConfig: z.record(z.string(), z.unknown()).optional(),
  language: z.string().optional(),
  script: z.array(callerStepSchema).max(100).default([]),
});
export type BotOption = z.infer<typeof botOptionSchema>;

/**
 * A tenant's voice-bot bridge settings (docs/voicebot.md): the bots it can
 * reach, and the AudioConnector connectors that put one of them on a call
 * with speech engines around it. A connector's `id` is the Connector ID of
 * Architect's Call Audio Connector action: Genesys appends it to the
 * integration's base URI, so it is the last path segment Hookline sees.
 *
 * Secrets (bot tokens, engine API keys) are stored encrypted with the rest of
 * the tenant's secrets (src/tenants/secrets.ts).
 */
import { z } from 'zod';

const httpUrl = z.string().regex(/^https?:\/\//, 'must be an http:// or https:// URL').pipe(z.url());
const wsUrl = z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL').pipe(z.url());
const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1–63 lower-case letters, digits or -, starting with a letter or digit');
/** Phrases a keyword-mode recognizer listens for; bounded so a config cannot make a huge grammar. */
const phrases = z.array(z.string().min(1).max(200)).max(500).default([]);

export const botSchema = z.discriminatedUnion('type', [
  /** The in-process demo bot (offline, no configuration). */
  z.strictObject({ name, type: z.literal('demo') }),
  /** Rasa's REST channel: POST {url}/webhooks/rest/webhook {sender, message} → [{recipient_id, text}]. */
  z.strictObject({ name, type: z.literal('rasa'), url: httpUrl, token: z.string().min(1).optional(), phrases }),
  /** Any HTTP bot: POST {url} {sender, message, inputVariables, event?} → BotTurn JSON (docs/voicebot.md). */
  z.strictObject({ name, type: z.literal('http'), url: httpUrl, bearerToken: z.string().min(1).optional(), phrases }),
]);

export const asrSchema = z.discriminatedUnion('engine', [
  /** No speech recognition: a keypad-only bot (DTMF and events reach it; caller speech still barges in). */
  z.strictObject({ engine: z.literal('none') }),
  /** Debian pocketsphinx (offline): keyword mode from the bot's phrases, else continuous. */
  z.strictObject({ engine: z.literal('pocketsphinx'), mode: z.enum(['auto', 'keyword', 'continuous']).default('auto') }),
  /** A streaming WebSocket recognizer speaking Deepgram's live API. */
  z.strictObject({ engine: z.literal('deepgram'), url: wsUrl, apiKey: z.string().min(1), model: z.string().optional(), endpointingMs: z.number().int().min(10).max(10_000).default(400) }),
]);

export const ttsSchema = z.discriminatedUnion('engine', [
  /** Debian espeak-ng (offline). */
  z.strictObject({ engine: z.literal('espeak-ng'), voice: z.string().regex(/^[A-Za-z0-9+_-]{1,40}$/, 'must be an espeak-ng voice name').default('en-us'), wordsPerMinute: z.number().int().min(80).max(450).default(165) }),
]);

/** Speech-to-speech: an OpenAI-Realtime-compatible endpoint replaces ASR, bot and TTS. */
export const realtimeSchema = z.strictObject({
  engine: z.literal('openai-realtime'),
  url: wsUrl,
  apiKey: z.string().min(1),
  model: z.string().default('gpt-realtime'),
  voice: z.string().default('alloy'),
  instructions: z.string().max(20_000).optional(),
});

export const pacingSchema = z.strictObject({
  /** Smallest binary message, in ms of audio (except an utterance's last). */
  minMessageMs: z.number().int().min(20).max(8000).default(200),
  /** Largest binary message (Genesys: 64,000 bytes). */
  maxMessageBytes: z.number().int().min(1600).max(64_000).default(64_000),
  /** Token bucket kept below Genesys's limits (average 5 binary messages/s, burst 25). */
  ratePerSecond: z.number().positive().max(5).default(4),
  burst: z.number().int().min(1).max(25).default(20),
  /** How far ahead of playout we send: what barge-in can still take back is everything beyond it. */
  leadMs: z.number().int().min(200).max(10_000).default(1000),
});

export const connectorSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1–64 letters, digits, . _ or -'),
    /** A bot from `voicebot.bots` by name (not with `realtime`). */
    bot: name.optional(),
    asr: asrSchema.default({ engine: 'pocketsphinx', mode: 'auto' }),
    tts: ttsSchema.default({ engine: 'espeak-ng', voice: 'en-us', wordsPerMinute: 165 }),
    realtime: realtimeSchema.optional(),
    language: z.string().default('en-US'),
    /**
     * The event a bot gets after `timeouts.silenceMs` of caller silence (like Rasa's `/silence_timeout`
     * intent): a Rasa bot maps it to an intent, an HTTP bot gets it as `event`.
     */
    silenceEvent: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1–64 letters, digits or _ . : -').default('silence_timeout'),
    /** Spoken when the bot is down or slow, before the session ends with action=handover. */
    fallbackText: z.string().min(1).max(500).default("Sorry, I can't help with that right now. Let me transfer you."),
    /** `handover`: disconnect completed with action=handover (Architect's success path routes on it); `error`: disconnect error (failure path). */
    onBotFailure: z.enum(['handover', 'error']).default('handover'),
    timeouts: z
      .strictObject({
        /** Longest wait for one bot turn. */
        botMs: z.number().int().min(100).max(60_000).default(5000),
        /** Caller silence after our audio finished playing before the bot gets `silenceEvent` (0 = off). */
        silenceMs: z.number().int().min(0).max(120_000).default(8000),
        /** Longest bot session. */
        maxCallSeconds: z.number().int().min(10).max(7200).default(900),
        /** Longest wait for our last audio to be heard before `disconnect`. */
        endDrainMs: z.number().int().min(0).max(60_000).default(10_000),
        /** DTMF: a pause this long ends the digits. */
        dtmfInterDigitMs: z.number().int().min(200).max(30_000).default(3000),
      })
      .default({ botMs: 5000, silenceMs: 8000, maxCallSeconds: 900, endDrainMs: 10_000, dtmfInterDigitMs: 3000 }),
    dtmf: z.strictObject({ terminator: z.enum(['#', '*', 'none']).default('#'), maxDigits: z.number().int().min(1).max(64).default(16) }).default({ terminator: '#', maxDigits: 16 }),
    /**
     * Caller speech this long over our audio is a barge-in. Genesys sends caller audio in 200 ms frames: at
     * 100 ms an onset early in a frame is acted on when that frame arrives, not one frame later.
     */
    bargeIn: z.strictObject({ enabled: z.boolean().default(true), minSpeechMs: z.number().int().min(20).max(2000).default(100) }).default({ enabled: true, minSpeechMs: 100 }),
    pacing: pacingSchema.default({ minMessageMs: 200, maxMessageBytes: 64_000, ratePerSecond: 4, burst: 20, leadMs: 1000 }),
  })
  .superRefine((c, ctx) => {
    if (c.realtime && c.bot) ctx.addIssue({ code: 'custom', path: ['bot'], message: 'a connector with realtime talks to the model itself: drop bot or realtime' });
    if (!c.realtime && !c.bot) ctx.addIssue({ code: 'custom', path: ['bot'], message: 'required: the name of a bot in voicebot.bots (or set realtime)' });
  });

export const voicebotSchema = z
  .strictObject({
    bots: z.array(botSchema).default([]),
    connectors: z.array(connectorSchema).default([]),
    /** The REST channel for Data Actions (POST /api/v1/bot/{tenant}/messages) talks to this bot. */
    rest: z.strictObject({ bot: name }).optional(),
  })
  .superRefine((v, ctx) => {
    const names = new Set<string>();
    v.bots.forEach((b, i) => {
      if (names.has(b.name)) ctx.addIssue({ code: 'custom', path: ['bots', i, 'name'], message: `"${b.name}" is used by another bot of this tenant: names must be unique` });
      names.add(b.name);
    });
    const ids = new Set<string>();
    v.connectors.forEach((c, i) => {
      if (ids.has(c.id.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['connectors', i, 'id'], message: `"${c.id}" is used by another connector: ids must be unique (case-insensitive)` });
      ids.add(c.id.toLowerCase());
      if (c.bot && !names.has(c.bot)) ctx.addIssue({ code: 'custom', path: ['connectors', i, 'bot'], message: `no bot named "${c.bot}" in voicebot.bots` });
    });
    if (v.rest && !names.has(v.rest.bot)) ctx.addIssue({ code: 'custom', path: ['rest', 'bot'], message: `no bot named "${v.rest.bot}" in voicebot.bots` });
  });

export type VoicebotConfig = z.infer<typeof voicebotSchema>;
export type BotConfig = z.infer<typeof botSchema>;
export type AsrConfig = z.infer<typeof asrSchema>;
export type TtsConfig = z.infer<typeof ttsSchema>;
export type RealtimeConfig = z.infer<typeof realtimeSchema>;
export type ConnectorConfig = z.infer<typeof connectorSchema>;
export type PacingConfig = z.infer<typeof pacingSchema>;

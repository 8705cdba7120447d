/**
 * The `analysis` section: which speech engine spots tenants' rule phrases and
 * transcribes calls (docs/guidance-speech.md), and the post-call worker
 * (docs/guidance-postcall.md). Process-wide: what tenants
 * choose (rules, transcripts on or off) is in their guidance settings
 * (src/tenants/guidance-config.ts). Composed by src/app/config.ts.
 */
import { z } from 'zod';
import { inMs } from '../platform/config/index.js';

const wsUrl = z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL').pipe(z.url());
/** The thresholds measured on the analysis fixtures (docs/guidance-speech.md, "Keyword-spotting thresholds"). */
export const DEFAULT_KWS_PLP = 1e-8;
export const DEFAULT_KWS_THRESHOLD = 1e-15;
/** Measured on the fixtures (docs/guidance.md "Latency"): the phrase within 1 s, no hit lost or added. */
export const DEFAULT_END_ON_PAUSE_MS = 150;
const probability = (what: string) => z.number().gt(0, 'must be above 0').lte(1, 'must be at most 1').describe(what);
const headerName = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name (letters, digits, -)');

export const pocketsphinxSpeechSchema = z.strictObject({
  engine: z.literal('pocketsphinx'),
  /** The program (default `pocketsphinx_continuous` on PATH). */
  program: z.string().min(1).optional(),
  /** The Debian model directory (default /usr/share/pocketsphinx/model/en-us). */
  modelDir: z.string().min(1).optional(),
  kws: z
    .strictObject({
      plp: probability('Phone-loop probability (-kws_plp)').default(DEFAULT_KWS_PLP),
      threshold: probability('Detection threshold of every phrase without its own').default(DEFAULT_KWS_THRESHOLD),
      /** Per phrase (as configured, matched case-insensitively). */
      thresholds: z.record(z.string().min(1).max(80), probability('Detection threshold of this phrase')).default({}),
      /**
       * End the program's utterance after this much quiet on the party's channel (ms), so a phrase is
       * reported about this long after the speech stops instead of after the program's own 500 ms; 0: off
       * (docs/guidance.md, "Latency").
       */
      endOnPauseMs: z.number().int().min(0).max(5000).default(DEFAULT_END_ON_PAUSE_MS),
    })
    .prefault({}),
});

export const websocketSpeechSchema = z.strictObject({
  engine: z.literal('websocket'),
  /** A streaming recognizer speaking Deepgram's live API (wss://api.deepgram.com/v1/listen, or a compatible engine or proxy). */
  url: wsUrl,
  /** Sent in `authHeader`; never logged (errors show its mask). */
  secret: z.string().min(1, 'must not be empty'),
  authHeader: headerName.default('Authorization'),
  /** Written before the secret (`Token <secret>`); empty: the secret alone. */
  authScheme: z.string().regex(/^[A-Za-z0-9-]{0,32}$/, 'must be a word such as Token or Bearer, or empty').default('Token'),
  encoding: z.enum(['mulaw', 'linear16']).default('mulaw'),
  model: z.string().min(1).max(100).optional(),
  endpointingMs: z.number().int().min(10).max(10_000).default(400),
});

export const postCallSchema = z
  .strictObject({
    /** Consume `<namespace>-analysis` (ingest's hand-off) in this replica. */
    enabled: z.boolean().default(true),
    concurrency: z.number().int().positive().max(64).default(2),
    /** Deliveries before a conversation that keeps failing becomes a dead letter. */
    maxAttempts: z.number().int().positive().default(8),
    retryBaseSeconds: z.number().positive().default(5),
    retryMaxSeconds: z.number().positive().default(900),
    /** A recording is read into memory to be analysed: larger ones fail with this reason (an hour of stereo µ-law is 57.6 MB). */
    maxRecordingBytes: z.number().int().positive().default(256 * 1024 * 1024),
    /**
     * How many times faster than real time a recording is fed to the speech engine for phrase spotting
     * (the engine drops what lags beyond speechMaxPendingMs, so this stays well under what it decodes).
     */
    speechSpeed: z.number().min(1).max(100).default(8),
    /**
     * The speech engine's lag bound for a recording: unlike a live call (analysis.maxPendingMs), nothing
     * waits on it in real time, so a loaded host may let the engine fall this far behind before audio is
     * dropped (counted). Two minutes of 16 kHz PCM is 3.8 MB per channel.
     */
    speechMaxPendingMs: z.number().int().min(1000).max(600_000).default(120_000),
  })
  .transform((s) => inMs(s, ['retryBaseSeconds', 'retryMaxSeconds']))
  .prefault({});

export const analysisSchema = z
  .strictObject({
    speech: z.discriminatedUnion('engine', [pocketsphinxSpeechSchema, websocketSpeechSchema]).prefault({ engine: 'pocketsphinx' }),
    /** Audio held per channel while an engine connects, and the most a program may lag, before audio is dropped (counted). */
    maxPendingMs: z.number().int().min(100).max(60_000).default(4000),
    postCall: postCallSchema,
  })
  .prefault({});

export type AnalysisConfig = z.infer<typeof analysisSchema>;
export type SpeechEngineConfig = AnalysisConfig['speech'];
export type PostCallConfig = AnalysisConfig['postCall'];

/** The speech settings of the post-call spotter: the live engine's, with the post-call lag bound. */
export function postCallSpeech(config: AnalysisConfig): AnalysisConfig {
  return { ...config, maxPendingMs: config.postCall.speechMaxPendingMs };
}

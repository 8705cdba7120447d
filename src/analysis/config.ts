/**
 * The `analysis` section: which speech engine spots tenants' rule phrases and
 * transcribes calls (docs/guidance-speech.md). Process-wide: what tenants
 * choose (rules, transcripts on or off) is in their guidance settings
 * (src/tenants/guidance-config.ts). Composed by src/app/config.ts.
 */
import { z } from 'zod';

const wsUrl = z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL').pipe(z.url());
/** The thresholds measured on the analysis fixtures (docs/guidance-speech.md, "Keyword-spotting thresholds"). */
export const DEFAULT_KWS_PLP = 1e-8;
export const DEFAULT_KWS_THRESHOLD = 1e-15;
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

export const analysisSchema = z
  .strictObject({
    speech: z.discriminatedUnion('engine', [pocketsphinxSpeechSchema, websocketSpeechSchema]).prefault({ engine: 'pocketsphinx' }),
    /** Audio held per channel while an engine connects, and the most a program may lag, before audio is dropped (counted). */
    maxPendingMs: z.number().int().min(100).max(60_000).default(4000),
  })
  .prefault({});

export type AnalysisConfig = z.infer<typeof analysisSchema>;
export type SpeechEngineConfig = AnalysisConfig['speech'];

/**
 * Every tunable of the emulator in one schema: its meaning, default and
 * bounds. Values the reference marks [INFER] live here so a test (or a future
 * check against a real org) can change them. Times are virtual milliseconds
 * unless the name says otherwise. The control API patches these at run time.
 */
import { z } from 'zod';
import { ControlError, describeIssues } from './errors.js';

const ms = z.number().int().min(0);
const positive = z.number().int().positive();

export const routeLimitSchema = z.strictObject({
  /** `METHOD /path` with `*` wildcards, or a path alone (any method). */
  route: z.string().min(1),
  allowed: positive,
});

export const rateLimitSchema = z.strictObject({
  /** Requests per window per access token (Genesys Cloud docs, "Rate limits": 300/min). */
  allowed: positive.default(300),
  windowSeconds: positive.default(60),
  /** Lower limits for some routes: a separate bucket per token and rule. */
  routes: z.array(routeLimitSchema).default([]),
});

export const dialOutSchema = z.strictObject({
  /** When the AudioHook session opens, relative to the call. */
  openAt: z.enum(['customer-connected', 'agent-connected']).default('customer-connected'),
  /** Added to `openAt` (virtual ms). */
  openDelayMs: ms.default(0),
  /** Audio per binary frame. */
  frameMs: z.number().int().min(10).max(1000).default(100),
  /** Real-time cadence of pings after the first (REF client: 1 s, then every 5 s). */
  pingIntervalMs: positive.default(5000),
  /** Real ms to wait for `opened` (Genesys: 5 s, then error 408). */
  openTimeoutMs: positive.default(5000),
  /** Real ms to wait for `closed` before dropping the socket (REF: 10 s). */
  closeTimeoutMs: positive.default(10000),
  /** Frames sent at most per session per ticker turn while catching up after a clock jump. */
  maxCatchUpFrames: positive.default(200),
});

export const botCallSchema = z.strictObject({
  /** Caller audio per binary message (Genesys AudioConnector: 200 ms, 1600 bytes of PCMU). */
  frameMs: z.number().int().min(20).max(1000).default(200),
  /** Real ms between pings (Genesys: every 5 s). */
  pingIntervalMs: positive.default(5000),
  /** Real ms to wait for `opened` before error 408 and close (Genesys: 5 s). */
  openTimeoutMs: positive.default(5000),
  /** Real ms to wait for `closed` after `close` (Genesys: 10 s). */
  closeTimeoutMs: positive.default(10000),
  /** Genesys's limit on binary messages from the server: bursts of 25, 5/s on average; over it → error 429. */
  rateLimit: z.strictObject({ burst: positive.default(25), perSecond: z.number().positive().default(5) }).prefault({}),
  /** `retryAfter` of the 429 error (ISO-8601 duration). */
  retryAfter: z.string().regex(/^PT\d+(\.\d+)?S$/).default('PT1S'),
  /** Received bot audio kept per session for tests to listen to; beyond it only counted and hashed. */
  maxReceivedBytes: positive.default(8000 * 300),
  /** A `bargeIn` step speaks this long after `playback_started` unless it says `afterMs`. */
  bargeInAfterMs: ms.default(500),
});

export const settingsSchema = z.strictObject({
  /** Default access-token lifetime for OAuth clients that do not set one (seconds). */
  tokenLifetimeSeconds: z.number().int().min(1).max(172800).default(86400),
  paging: z
    .strictObject({
      defaultPageSize: positive.default(25),
      maxPageSize: positive.default(100),
      maxUsersPageSize: positive.default(500),
      /** Above the maximum: 400 (`reject`) or serve the maximum (`clamp`). [INFER] */
      overMax: z.enum(['reject', 'clamp']).default('reject'),
    })
    .prefault({}),
  notifications: z
    .strictObject({
      heartbeatSeconds: z.number().positive().default(30),
      maxTopicsPerChannel: positive.default(1000),
      maxChannelsPerClient: positive.default(20),
      channelLifetimeHours: z.number().positive().default(24),
      /** Default time between `v2.system.socket_closing` and the close. [INFER ≈1 min] */
      socketClosingDelayMs: ms.default(60000),
      /** Status for permission failures when ignoreErrors=false. [INFER 400/403] */
      rejectionStatus: z.union([z.literal(400), z.literal(403)]).default(400),
      /** Topics (glob, `*` = any run of characters) answered `Rejected`. */
      rejectTopics: z.array(z.strictObject({ pattern: z.string().min(1), missingPermissions: z.array(z.string()).default([]) })).default([]),
    })
    .prefault({}),
  analytics: z
    .strictObject({
      /** Detail records trail the call by this much; GET by id is 404 until the first segment is that old. [INFER] */
      availabilityLagMs: ms.default(30000),
      maxPageSize: positive.default(100),
      maxIntervalDays: z.number().positive().default(7),
      maxResults: positive.default(10000),
      /** Sync query: only conversations that started on a UTC day the interval touches. */
      startedOnTouchedDay: z.boolean().default(true),
    })
    .prefault({}),
  jobs: z
    .strictObject({
      queuedMs: ms.default(2000),
      pendingMs: ms.default(5000),
      /** Results expire this long after fulfilment. [INFER] */
      resultsTtlMs: positive.default(24 * 3600_000),
      /** The data lake trails real time by this much (dataAvailabilityDate). [INFER: hours] */
      dataLakeLagMs: ms.default(30 * 60_000),
      /** The watermark moves in steps of this size (and the availability topic fires). */
      watermarkStepMs: positive.default(5 * 60_000),
      defaultPageSize: positive.default(1000),
      maxPageSize: positive.default(1000),
      /** Running jobs per org; 0 = no limit. [INFER] */
      maxConcurrent: z.number().int().min(0).default(0),
    })
    .prefault({}),
  recordings: z
    .strictObject({
      /** After the recorded leg ends: 202 until this has passed, then 200 (fileState UPLOADING → AVAILABLE). */
      transcodeDelayMs: ms.default(15000),
      defaultMaxWaitMs: ms.default(5000),
      /** Lifetime of the pre-signed media URLs. [INFER] */
      mediaUrlTtlMs: positive.default(3600_000),
      /** Batch download: one more result every this much. */
      batchItemDelayMs: ms.default(1000),
      batchMaxItems: positive.default(100),
    })
    .prefault({}),
  rateLimit: rateLimitSchema.prefault({}),
  dialOut: dialOutSchema.prefault({}),
  botCalls: botCallSchema.prefault({}),
  log: z.strictObject({ maxEntries: positive.default(50000) }).prefault({}),
});

export type Settings = z.infer<typeof settingsSchema>;
export type RateLimitSettings = z.infer<typeof rateLimitSchema>;
export type DialOutSettings = z.infer<typeof dialOutSchema>;
export type BotCallSettings = z.infer<typeof botCallSchema>;

type Tree = Record<string, unknown>;

/** Deep merge for settings patches: objects merge, arrays and scalars replace. */
export function mergeSettings(base: Tree, patch: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const cur = base[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur) ? mergeSettings(cur as Tree, v as Tree) : v;
  }
  return out;
}

/** Validated settings after a patch; a bad patch is a ControlError naming the keys. */
export function patchSettingsOf(base: Settings, patch: unknown, what = 'settings'): Settings {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new ControlError(`${what} must be an object`);
  const r = settingsSchema.safeParse(mergeSettings(base as Tree, patch as Tree));
  if (!r.success) throw new ControlError(`invalid ${what}: ${describeIssues(r.error.issues)}`);
  return r.data;
}

/**
 * The capture sections of the configuration: the AudioHook endpoint
 * (`audiohook`), the recorder sink (`recorder`) and the stream sink (`stream`).
 * Composed into the whole configuration by src/app/config.ts.
 */
import { z } from 'zod';
import { inMs, type DeepReadonly } from '../platform/config/index.js';

const mediaRule = z.union([
  z.literal('any'),
  z.strictObject({
    format: z.enum(['PCMU', 'L16']).optional(),
    channels: z.union([z.number().int().min(1).max(2), z.array(z.enum(['external', 'internal'])).min(1).max(2)]).optional(),
    rate: z.number().int().positive().optional(),
  }),
]);


export const audiohookSchema = z
  .strictObject({
    path: z.string().startsWith('/').default('/api/v1/audiohook/ws'),
    /** How authentication failures are reported: `disconnect` (unauthorized, REF default) or HTTP 401 at upgrade. */
    authFailure: z.enum(['disconnect', 'http']).default('disconnect'),
    signature: z
      .strictObject({
        clockSkewSeconds: z.number().min(0).default(5),
        maxAgeSeconds: z.number().positive().default(10),
        minNonceLength: z.number().int().min(0).default(22),
        failureDelayMs: z.number().int().min(0).default(500),
        nonceCacheSize: z.number().int().positive().default(100_000),
      })
      .prefault({}),
    media: z
      .strictObject({
        preference: z.array(mediaRule).min(1).default([{ format: 'PCMU', channels: 2 }, 'any']),
        formats: z.array(z.enum(['PCMU', 'L16'])).min(1).default(['PCMU', 'L16']),
        rates: z.array(z.number().int().positive()).min(1).default([8000]),
        onNoMatch: z.enum(['empty', 'disconnect']).default('empty'),
      })
      .prefault({}),
    supportedLanguages: z.array(z.string()).default([]),
    /** Per-socket cap on unsent server messages before the connection is dropped. */
    maxSendBufferBytes: z.number().int().positive().default(1024 * 1024),
    /** After we send disconnect, how long the client gets to send close. */
    closeGraceSeconds: z.number().positive().default(10),
    /** A socket that failed authentication is cut off this long after its `disconnect unauthorized`. */
    unauthenticatedGraceMs: z.number().int().positive().default(2000),
    /** How far the timeline (audio plus reported discards) may run ahead of the session's wall-clock time. */
    timelineToleranceSeconds: z.number().min(0).default(5),
    /** How often API keys are re-read from the database. */
    credentialRefreshSeconds: z.number().positive().default(10),
  })
  // timelineToleranceSeconds and signature's clockSkewSeconds/maxAgeSeconds stay in seconds: they are compared with
  // audio positions and with the signature's `created`/`expires`, which RFC 9421 (HTTP Message Signatures) gives in seconds.
  .transform((s) => inMs(s, ['closeGraceSeconds', 'credentialRefreshSeconds']))
  .prefault({});

export const recorderSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    spoolDir: z.string().optional(),
    /** Bytes waiting for the disk per session before frames are dropped (and counted). */
    maxBufferedBytes: z.number().int().positive().default(256 * 1024),
    /**
     * The most audio waits in memory before it is written to the spool file: fewer, larger writes
     * (about one per call per second) at the cost of what a hard crash can lose. A graceful stop loses nothing.
     */
    flushMs: z.number().int().min(10).max(10_000).default(1000),
    /** Control events kept per recording for its sidecar (the first ones; the rest are only counted). */
    maxEvents: z.number().int().min(0).default(1000),
    maxEventBytes: z.number().int().min(0).default(256 * 1024),
  })
  .prefault({});

export const streamSchema = z
  .strictObject({
    /** Audio kept per destination for replay after a reconnect. */
    replayBufferSeconds: z.number().min(0).default(10),
    /** Per destination socket: frames are dropped (and counted) while more than this waits to be sent. */
    maxBufferedBytes: z.number().int().positive().default(512 * 1024),
    /** After a call ends, how long to keep trying a destination that is down. */
    deliverAfterEndSeconds: z.number().min(0).default(30),
  })
  // replayBufferSeconds stays in seconds: it sizes a buffer in samples, at the session's samples per second.
  .transform((s) => inMs(s, ['deliverAfterEndSeconds']))
  .prefault({});

export type AudiohookConfig = DeepReadonly<z.infer<typeof audiohookSchema>>;
export type RecorderConfig = DeepReadonly<z.infer<typeof recorderSchema>>;
export type StreamConfig = DeepReadonly<z.infer<typeof streamSchema>>;

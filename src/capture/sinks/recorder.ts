/**
 * Recorder sink: one WAV per admitted session (negotiated format and channels)
 * plus a JSON sidecar, stored under
 *   recordings/{orgId}/{yyyy}/{mm}/{dd}/{conversationId}/{sessionId}.wav|.json
 *
 * Audio is appended to a spool file on local disk as it arrives (never the
 * whole call in memory), gaps on the timeline (pauses, discards, dropped
 * frames) are filled with silence so sample offsets stay aligned with the
 * stream timeline, and at the end the header is patched and the file is
 * streamed to object storage. A spool left by a crash is uploaded at start.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { ULAW_SILENCE, patchWavHeader, wavHeader, wavHeaderLength, type WavSpec } from '../../audio/index.js';
import type { Logger } from '../../platform/logging/index.js';
import { percentile } from '../../platform/metrics/index.js';
import { datePath, type ObjectStore } from '../../platform/objects/index.js';
import { backoffDelay } from '../../platform/util/backoff.js';
import { errorMessage } from '../../platform/util/error-message.js';
import { bytesPerSample, formatDuration, nanosToSamples, type Nanos } from '../../protocol/audiohook/index.js';
import type { SessionInfo, Sink, SinkControl, SinkEnd, SinkSession } from './port.js';
import { BatchTicker } from './batch-ticker.js';
import { ChunkPool } from './chunk-pool.js';
import { SpoolFile } from './spool-file.js';
import { SpoolWriter } from './spool-writer.js';

/** Call audio: readable by the service's user only. */
const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

export interface RecorderOptions {
  store: ObjectStore;
  spoolDir: string;
  maxBufferedBytes: number;
  log: Logger;
  onDrop: (n?: number) => void;
  uploadAttempts?: number;
  /** Control events kept for the sidecar: the first ones up to this count and size; the rest are only counted. */
  maxEvents?: number;
  maxEventBytes?: number;
  /** Silence is never written further ahead of the recording's wall-clock time than this. */
  timelineToleranceSeconds?: number;
  /** The most audio waits in memory before it is handed to the spool file (what a hard crash can lose). */
  flushMs?: number;
  /** Monotonic clock in ms (tests). */
  now?: () => number;
}

const DEFAULT_FLUSH_MS = 1000;

const DEFAULT_MAX_EVENTS = 1000;
const DEFAULT_MAX_EVENT_BYTES = 256 * 1024;
const DEFAULT_TIMELINE_TOLERANCE_SECONDS = 5;

/** What a spooled recording's `.meta.json` holds: read back from disk after a crash, so parsed, not trusted. */
const spoolMetaSchema = z.object({
  wavKey: z.string(),
  sidecarKey: z.string(),
  spec: z.object({ format: z.enum(['PCMU', 'L16']), channels: z.number().int().positive(), rate: z.number().int().positive() }),
  sidecar: z.record(z.string(), z.unknown()),
});

type SpoolMeta = z.infer<typeof spoolMetaSchema>;

/** Silence up to this is copied like audio (a dropped frame); beyond, the disk thread writes it from its own buffer. */
const SHORT_GAP_BYTES = 4096;
/** One short-gap silence per silence byte for every recording (only ever copied from): 4 KiB less per session. */
const SHORT_SILENCES = new Map<number, Buffer>();
function shortSilence(byte: number): Buffer {
  let b = SHORT_SILENCES.get(byte);
  if (!b) SHORT_SILENCES.set(byte, (b = Buffer.alloc(SHORT_GAP_BYTES, byte)));
  return b;
}
/** How long the event loop gathers spool operations before it hands them to the disk thread in one message. */
const WRITER_PERIOD_MS = 50;

/** The folder of one conversation's recordings opened on `day` (UTC): readers list it to find the sessions. */
export function recordingPrefix(orgId: string, day: Date, conversationId: string): string {
  return `recordings/${orgId}/${datePath(day)}/${conversationId}/`;
}

export function recordingKey(info: Pick<SessionInfo, 'orgId' | 'conversationId' | 'sessionId' | 'openedAt'>, ext: 'wav' | 'json'): string {
  return `${recordingPrefix(info.orgId, new Date(info.openedAt), info.conversationId)}${info.sessionId}.${ext}`;
}

function spoolName(info: Pick<SessionInfo, 'orgId' | 'sessionId'>): string {
  return `${safeId(info.orgId)}_${safeId(info.sessionId)}_${randomBytes(6).toString('hex')}`;
}

/** Ids are validated UUIDs upstream; this keeps a file name a file name whatever arrives. */
function safeId(id: string): string {
  return id.replace(/[^0-9A-Za-z-]/g, '').slice(0, 64) || 'unknown';
}

/** Between upload attempts: 0.5–1 s, doubling (equal jitter on a 1 s step), uncapped: attempts are few. */
const UPLOAD_BACKOFF = { baseMs: 1000, jitter: 'equal' } as const;

async function uploadWithRetry(fn: () => Promise<unknown>, attempts: number): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await fn();
      return;
    } catch (err) {
      if (i >= attempts) throw err;
      await sleep(backoffDelay(i, UPLOAD_BACKOFF));
    }
  }
}

/** What every recording of one sink shares: the chunk pool and the clock that flushes aged chunks. */
interface SpoolShared {
  pool: ChunkPool;
  ticker: BatchTicker;
  writer: SpoolWriter;
  flushMs: number;
  now: () => number;
}

export class RecorderSink implements Sink {
  readonly name = 'recorder';
  private readonly shared: SpoolShared;

  constructor(private readonly options: RecorderOptions) {
    // Made here, once, before any session: each session opens its spool file at once, and an open
    // racing a first mkdir fails with ENOENT (seen under load on a fresh spool directory).
    mkdirSync(options.spoolDir, { recursive: true, mode: PRIVATE_DIR });
    const flushMs = options.flushMs ?? DEFAULT_FLUSH_MS;
    const now = options.now ?? (() => performance.now());
    // A chunk is flushed at most a quarter of flushMs late.
    const pool = new ChunkPool();
    const writer = new SpoolWriter(WRITER_PERIOD_MS, pool, (err) => options.log.error({ err: err.message }, 'spool writer thread failed; its recordings stay in the spool'));
    this.shared = { pool, ticker: new BatchTicker(Math.min(250, Math.max(10, flushMs / 4)), now), writer, flushMs, now };
  }

  /** Stops the disk thread once every recording has ended (their ends wait for their writes). */
  async close(): Promise<void> {
    await this.shared.writer.stop();
  }

  open(info: SessionInfo): SinkSession {
    return new Recording(info, this.options, this.shared);
  }

  /**
   * Uploads recordings a previous process left in the spool (crash, store
   * outage), and those in `orphans`: spool folders no running process writes
   * (a cluster worker's, once `server.workers` changed). Never another live
   * process's folder: its recordings would be uploaded while still written.
   */
  async recover(orphans: string[] = []): Promise<number> {
    await mkdir(this.options.spoolDir, { recursive: true, mode: PRIVATE_DIR });
    let recovered = 0;
    for (const dir of [this.options.spoolDir, ...orphans]) recovered += await this.recoverDir(dir);
    return recovered;
  }

  private async recoverDir(spoolDir: string): Promise<number> {
    const { store, log } = this.options;
    let recovered = 0;
    const names = await readdir(spoolDir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    for (const name of names) {
      if (!name.endsWith('.meta.json')) continue;
      const base = join(spoolDir, name.slice(0, -'.meta.json'.length));
      try {
        const meta = spoolMetaSchema.parse(JSON.parse(await readFile(`${base}.meta.json`, 'utf8')));
        const size = (await stat(`${base}.wav`)).size;
        const unit = bytesPerSample(meta.spec.format) * meta.spec.channels;
        const headerLen = wavHeaderLength(meta.spec.format);
        const dataBytes = Math.max(0, size - headerLen - ((size - headerLen) % unit));
        await finishFile(`${base}.wav`, meta.spec, dataBytes);
        await store.put(meta.wavKey, createReadStream(`${base}.wav`, { end: headerLen + dataBytes - 1 }), { contentType: 'audio/wav' });
        await store.put(meta.sidecarKey, JSON.stringify({ ...meta.sidecar, recovered: true }, null, 2), { contentType: 'application/json' });
        await rm(`${base}.wav`, { force: true });
        await rm(`${base}.meta.json`, { force: true });
        recovered++;
        log.info({ key: meta.wavKey }, 'recovered a spooled recording');
      } catch (err) {
        log.error({ file: base, err: errorMessage(err) }, 'could not recover a spooled recording; left in place');
      }
    }
    return recovered;
  }
}

async function finishFile(path: string, spec: WavSpec, dataBytes: number): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await patchWavHeader(fh, spec, dataBytes);
    await fh.truncate(wavHeaderLength(spec.format) + dataBytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

class Recording implements SinkSession {
  private readonly spec: WavSpec;
  private readonly unit: number;
  private readonly base: string;
  private readonly file: SpoolFile;
  private readonly silence: Buffer;
  private readonly silenceByte: number;
  private readonly meta: SpoolMeta;
  private readonly events: Record<string, unknown>[] = [];
  private eventBytes = 0;
  private eventsDropped = 0;
  private readonly startedAt: number;
  private silenceClamped = 0;
  private readonly rtts: number[] = [];
  /** Timeline position of WAV sample 0: where the session was admitted, as for the stream's `start`. */
  private readonly startPosition: Nanos;
  private writtenSamples = 0;
  private silenceSamples = 0;
  private dropped = 0;
  private failed = false;

  constructor(
    private readonly info: SessionInfo,
    private readonly o: RecorderOptions,
    shared: SpoolShared,
  ) {
    const { media } = info;
    this.spec = { format: media.format, channels: media.channels.length, rate: media.rate };
    this.unit = bytesPerSample(this.spec.format) * this.spec.channels;
    this.silenceByte = this.spec.format === 'PCMU' ? ULAW_SILENCE : 0;
    this.silence = shortSilence(this.silenceByte);
    this.startPosition = info.admittedPosition;
    // Tenant, session and this connection: two sessions with one id (two tenants, or a reconnect) never share a file.
    this.base = join(o.spoolDir, spoolName(info));
    this.startedAt = this.now();
    this.meta = {
      wavKey: recordingKey(info, 'wav'),
      sidecarKey: recordingKey(info, 'json'),
      spec: this.spec,
      sidecar: this.sidecarHead(),
    };
    // The disk thread writes the meta file (what crash recovery reads) just before it opens the spool.
    const meta = { path: `${this.base}.meta.json`, text: JSON.stringify(this.meta) };
    this.file = new SpoolFile(`${this.base}.wav`, PRIVATE_FILE, { ...shared, onError: (err) => this.fail(err) }, meta);
    this.file.append(wavHeader(this.spec, 0));
  }

  audio(data: Uint8Array, position: Nanos, samples: number): void {
    if (this.failed || this.file.pendingBytes > this.o.maxBufferedBytes) {
      this.dropped++;
      this.o.onDrop(1);
      return;
    }
    this.padTo(position);
    this.file.append(data);
    this.writtenSamples += samples;
  }

  control(event: SinkControl): void {
    if (event.type === 'rtt') {
      this.rtts.push(event.rtt / 1e9);
      return;
    }
    const { type, position, ...rest } = event;
    const entry: Record<string, unknown> = { type, position: formatDuration(position), at: new Date().toISOString() };
    for (const [k, v] of Object.entries(rest)) entry[k] = typeof v === 'number' ? formatDuration(v) : v;
    this.keep(entry);
  }

  /** Keeps the first events up to the count and byte bounds: a client sending updates all call long must not grow memory. */
  private keep(entry: Record<string, unknown>): void {
    const maxEvents = this.o.maxEvents ?? DEFAULT_MAX_EVENTS;
    if (this.events.length >= maxEvents) {
      this.eventsDropped++;
      return;
    }
    const bytes = JSON.stringify(entry).length;
    if (this.eventBytes + bytes > (this.o.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES)) {
      this.eventsDropped++;
      return;
    }
    this.eventBytes += bytes;
    this.events.push(entry);
  }

  private now(): number {
    return this.o.now ? this.o.now() : performance.now();
  }

  /**
   * Silence for a gap, but never more in total than the call's wall-clock time
   * (plus the tolerance) could hold: whatever the timeline claims, the disk
   * fills no faster than a real call would fill it. What is cut is counted.
   */
  private fillGap(samples: number): void {
    const seconds = (this.now() - this.startedAt) / 1000 + (this.o.timelineToleranceSeconds ?? DEFAULT_TIMELINE_TOLERANCE_SECONDS);
    const allowed = Math.max(0, Math.ceil(seconds * this.spec.rate) - this.silenceSamples);
    const n = Math.min(samples, allowed);
    this.silenceClamped += samples - n;
    if (n > 0) this.writeSilence(n);
  }

  async end(summary: SinkEnd): Promise<void> {
    // A call that ends inside a pause (or after dropped frames) still covers its whole timeline.
    if (!this.failed) this.padTo(summary.position);
    await this.file.close();
    if (this.failed) throw new Error(`recording ${this.info.sessionId} failed; spool kept for recovery`);
    const dataBytes = this.writtenSamples * this.unit;
    await finishFile(`${this.base}.wav`, this.spec, dataBytes);
    const sidecar = { ...this.sidecarHead(), ...this.sidecarTail(summary) };
    await writeFile(`${this.base}.meta.json`, JSON.stringify({ ...this.meta, sidecar }), { mode: PRIVATE_FILE });
    const attempts = this.o.uploadAttempts ?? 4;
    await uploadWithRetry(() => this.o.store.put(this.meta.wavKey, createReadStream(`${this.base}.wav`), { contentType: 'audio/wav' }), attempts);
    await uploadWithRetry(() => this.o.store.put(this.meta.sidecarKey, JSON.stringify(sidecar, null, 2), { contentType: 'application/json' }), attempts);
    await rm(`${this.base}.wav`, { force: true });
    await rm(`${this.base}.meta.json`, { force: true });
    this.o.log.debug({ key: this.meta.wavKey, bytes: dataBytes }, 'recording stored');
  }

  /** Silence up to `position` on the timeline (pauses, discards, dropped frames). */
  private padTo(position: Nanos): void {
    const at = nanosToSamples(position - this.startPosition, this.spec.rate);
    if (at > this.writtenSamples) this.fillGap(at - this.writtenSamples);
  }

  private writeSilence(samples: number): void {
    this.silenceSamples += samples;
    this.writtenSamples += samples;
    const bytes = samples * this.unit;
    // A short gap (a dropped frame) is copied into the chunk; a long pause is written by the disk
    // thread from its own buffer, so it costs no memory here.
    if (bytes <= SHORT_GAP_BYTES) this.file.append(this.silence.subarray(0, bytes));
    else this.file.fill(this.silenceByte, bytes);
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.o.log.error({ sessionId: this.info.sessionId, err: err.message }, 'recording spool write failed');
  }

  private sidecarHead(): Record<string, unknown> {
    const i = this.info;
    return {
      sessionId: i.sessionId,
      orgId: i.orgId,
      conversationId: i.conversationId,
      correlationId: i.correlationId,
      participant: i.participant,
      media: i.media,
      open: i.openParameters,
      openedAt: i.openedAt,
      admittedAt: i.admittedAt,
      agent: i.agent ?? null,
      conversation: i.conversation ?? null,
    };
  }

  private sidecarTail(summary: SinkEnd): Record<string, unknown> {
    const sorted = [...this.rtts].sort((a, b) => a - b);
    return {
      // WAV sample 0 is at timelineStart and the last at timelineEnd, on the AudioHook stream timeline:
      // the same span as the stream's first `start.position` .. `end.position` (README "Recording and stream span").
      timelineStart: formatDuration(this.startPosition),
      timelineEnd: formatDuration(Math.max(summary.position, this.startPosition)),
      alignment: 'WAV sample 0 is at timelineStart on the AudioHook stream timeline and the WAV ends at timelineEnd; pauses, discards and dropped frames are silence; the downstream stream covers the same span',
      events: this.events,
      eventsDropped: this.eventsDropped,
      end: { reason: summary.reason, position: formatDuration(summary.position), endedAt: summary.endedAt },
      rtt: { count: sorted.length, min: sorted[0] ?? null, p50: percentile(sorted, 50) ?? null, p99: percentile(sorted, 99) ?? null, max: sorted[sorted.length - 1] ?? null },
      audio: {
        bytes: this.writtenSamples * this.unit,
        samples: this.writtenSamples,
        silenceSamples: this.silenceSamples,
        droppedFrames: this.dropped,
        silenceSamplesCut: this.silenceClamped,
      },
    };
  }
}

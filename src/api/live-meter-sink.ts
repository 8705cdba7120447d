/**
 * The live view's level meters: a capture Sink that measures each admitted
 * session's per-channel RMS level (src/audio/levels.ts: table lookups over the
 * µ-law bytes, no decoded copy) about four times a second, with a short-lived
 * record in shared state that lets a snapshot from any replica list the call
 * while its audio flows; the readings of all the replica's calls of a tenant
 * go out together (meter-board.ts).
 *
 * Never blocks the audio path: the reading is cheap arithmetic and every
 * shared-state write is fire-and-forget through a BoundedPublisher (over its
 * bound, dropped and counted). The sessions it meters on this replica are
 * bounded too: beyond `maxSessions` a session is not metered (counted).
 * Windows are counted in samples of the stream timeline, not wall time: the
 * meter itself needs no clock.
 */
import { randomUUID } from 'node:crypto';
import { accumulate, emptyLevel, rmsDb, reset, type ChannelLevel } from '../audio/index.js';
import type { Sink, SinkSession, SessionInfo } from '../capture/index.js';
import type { BoundedPublisher } from './live-hub.js';
import type { MeterRecord } from './live-calls.js';
import { MeterBoard } from './meter-board.js';

export type ChannelRole = 'customer' | 'agent';

export interface LiveMeterOptions {
  out: Pick<BoundedPublisher, 'publish' | 'set' | 'delete'>;
  /** Sessions metered at once on this replica. */
  maxSessions: number;
  /** Reading window, ms of audio (default 250: four readings a second). */
  windowMs?: number;
  /** This replica's id: the key of its meter records (default: a random one per sink). */
  replicaId?: string;
  /** How long a change waits to go out with the others of its tenant (default 250 ms). */
  publishMs?: number;
  /** The replica's record is rewritten at least this often while readings flow (default 2000 ms; its TTL is 10 s). */
  refreshMs?: number;
  /** Counted when a session is not metered because maxSessions are. */
  onDrop?: () => void;
  now?: () => number;
}

const ROLE: Record<string, ChannelRole> = { external: 'customer', internal: 'agent' };

/**
 * The meters read one sample in 7: a 250 ms window still holds ~285 samples per channel, plenty
 * for a display, at a seventh of the cost — reading every byte of every frame was the largest
 * cost of capture after the socket itself (4 % of a core at 1,000 calls × 100 ms). Successive
 * frames read successive phases of the step, so a steady tone is not read at one point of its cycle.
 */
export const METER_STEP = 7;

/** The pure core: accumulates interleaved µ-law frames and yields a reading per full window. */
export class LevelMeter {
  private readonly sums: ChannelLevel[];
  private counted = 0;
  /** Frames seen and samples seen, modulo METER_STEP: which stream samples the step lands on. */
  private frames = 0;
  private seen = 0;

  constructor(private readonly roles: readonly ChannelRole[], private readonly windowSamples: number) {
    this.sums = roles.map(() => emptyLevel());
  }

  /** Adds one frame; returns the window's levels when the frame completes one. */
  add(frame: Uint8Array, samples: number): { customer: number | null; agent: number | null } | undefined {
    // Frame f reads the stream samples ≡ f (mod METER_STEP): every phase in turn, whatever the frame size.
    accumulate(frame, this.roles.length, this.sums, METER_STEP, (this.frames - this.seen + METER_STEP) % METER_STEP);
    this.frames = (this.frames + 1) % METER_STEP;
    this.seen = (this.seen + samples) % METER_STEP;
    this.counted += samples;
    if (this.counted < this.windowSamples) return undefined;
    this.counted = 0;
    const out: { customer: number | null; agent: number | null } = { customer: null, agent: null };
    this.roles.forEach((role, i) => {
      const sum = this.sums[i] as ChannelLevel;
      out[role] = Math.round(rmsDb(sum) * 10) / 10;
      reset(sum);
    });
    return out;
  }
}

export class LiveMeterSink implements Sink {
  readonly name = 'live-meter';
  private readonly sessions = new Map<string, MeteredSession>();
  private readonly board: MeterBoard;

  constructor(private readonly o: LiveMeterOptions) {
    this.board = new MeterBoard({ out: o.out, replicaId: o.replicaId ?? randomUUID(), publishMs: o.publishMs ?? 250, refreshMs: o.refreshMs ?? 2000, now: o.now ?? Date.now });
  }

  /** Writes and publishes the changes waiting now (tests). */
  flush(): void {
    this.board.flush();
  }

  /** A graceful stop: the record loses the ended calls now rather than when its TTL runs out. */
  async close(): Promise<void> {
    this.board.flush();
  }

  /** Sessions metered now (tests: the set is bounded and empties as calls end). */
  get size(): number {
    return this.sessions.size;
  }

  open(info: SessionInfo): SinkSession | undefined {
    if (this.sessions.size >= this.o.maxSessions) {
      this.o.onDrop?.();
      return undefined;
    }
    const session = new MeteredSession(info, this.o, this.board, () => this.sessions.delete(info.sessionId));
    this.sessions.set(info.sessionId, session);
    return session;
  }

  /**
   * A downstream destination accepted the session's socket (open) or lost it: the call's `forwarded`
   * names the destinations connected now. `name` is the destination's configured name or host, never
   * its URL (which may carry a token).
   */
  connection(sessionId: string, name: string, open: boolean): void {
    this.sessions.get(sessionId)?.forwarding(name, open);
  }
}

class MeteredSession implements SinkSession {
  private readonly meter: LevelMeter | undefined;
  private readonly record: MeterRecord;
  private readonly orgId: string;
  private readonly conversationId: string;
  private ended = false;

  constructor(info: SessionInfo, private readonly o: LiveMeterOptions, private readonly board: MeterBoard, private readonly done: () => void) {
    const roles = info.media.channels.map((c) => ROLE[c] ?? 'customer');
    // Only µ-law is metered (what Genesys sends); another format shows no levels rather than wrong ones.
    this.meter = info.media.format === 'PCMU' ? new LevelMeter(roles, Math.max(1, Math.round((info.media.rate * (o.windowMs ?? 250)) / 1000))) : undefined;
    this.record = { startedAt: info.openedAt, forwarded: [], levels: null };
    this.orgId = info.orgId.toLowerCase();
    this.conversationId = info.conversationId.toLowerCase();
    board.open(this.orgId, this.conversationId, this.record);
  }

  audio(data: Uint8Array, _position: number, samples: number): void {
    const levels = this.ended ? undefined : this.meter?.add(data, samples);
    if (!levels) return;
    this.record.levels = { ...levels, at: new Date((this.o.now ?? Date.now)()).toISOString() };
    this.board.change(this.orgId, this.conversationId, { levels: this.record.levels });
  }

  forwarding(name: string, open: boolean): void {
    const has = this.record.forwarded.includes(name);
    if (this.ended || has === open) return;
    this.record.forwarded = open ? [...this.record.forwarded, name] : this.record.forwarded.filter((n) => n !== name);
    this.board.change(this.orgId, this.conversationId, { forwarded: this.record.forwarded }, true);
  }

  control(): void {
    // Pause and resume reach the view through the gate's status records; the meter just sees no audio.
  }

  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.done();
    this.board.end(this.orgId, this.conversationId);
  }
}

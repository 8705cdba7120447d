/**
 * Pure outbound-audio pacer of an AudioConnector session: bytes in, binary
 * messages out, on a clock the caller passes in. No timers, no I/O.
 *
 * Genesys limits the binary messages a server sends (average 5/s, burst 25;
 * more gets a 429 `error`), so each message coalesces what is queued: at least
 * `minMessageMs` of audio (an utterance's tail may be shorter), at most
 * `maxMessageBytes`, and never more than `leadMs` ahead of the estimated
 * playout — what is still queued here is what a barge-in can take back.
 * Rasa's Genesys channel docs ("Rate Limits") state the limits.
 */

/** µ-law at 8 kHz: one byte per sample. */
export const BYTES_PER_MS = 8;

export interface PacerOptions {
  /** Token refill, messages per second (Genesys's average is 5). */
  ratePerSecond: number;
  /** Token bucket capacity (Genesys's burst is 25); the bucket starts full. */
  burst: number;
  minMessageMs: number;
  maxMessageBytes: number;
  leadMs: number;
  /** Queued bytes beyond this are dropped (and counted): a runaway engine cannot fill memory. Default 60 s of audio. */
  maxQueueBytes?: number;
}

export interface PollResult {
  /** One binary message to send now. */
  send?: Uint8Array;
  /** When to poll again (absent: nothing to do until more audio or a client message). */
  wakeAtMs?: number;
}

const DEFAULT_MAX_QUEUE_BYTES = 60_000 * BYTES_PER_MS;

export class Pacer {
  private readonly chunks: Uint8Array[] = [];
  /** Bytes of chunks[0] already sent. */
  private head = 0;
  private queued = 0;
  /** Queued bytes that end an utterance (may go out shorter than the minimum). */
  private flushable = 0;
  private tokens: number;
  private lastRefillMs: number | undefined;
  /** When everything sent so far will have been played (estimated: real time). */
  private playoutEndMs = 0;
  private blockedUntilMs = 0;
  private _dropped = 0;
  private readonly minBytes: number;
  private readonly maxQueue: number;
  /** The lead never below one minimum message, or nothing could ever go out. */
  private readonly leadBytes: number;

  constructor(private readonly o: PacerOptions) {
    if (!(o.ratePerSecond > 0) || !(o.burst >= 1)) throw new RangeError('pacer: ratePerSecond must be > 0 and burst >= 1');
    this.tokens = o.burst;
    this.minBytes = Math.min(o.minMessageMs * BYTES_PER_MS, o.maxMessageBytes);
    this.maxQueue = o.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES;
    this.leadBytes = Math.max(o.leadMs * BYTES_PER_MS, this.minBytes);
  }

  /** Bytes waiting to be sent. */
  get queuedBytes(): number {
    return this.queued;
  }

  /** Bytes dropped because the queue was full. */
  get droppedBytes(): number {
    return this._dropped;
  }

  /** Queues audio; `endOfUtterance` lets the tail go out even when it is shorter than a minimum message. */
  enqueue(bytes: Uint8Array, opts: { endOfUtterance?: boolean } = {}): void {
    const room = this.maxQueue - this.queued;
    const take = Math.min(room, bytes.length);
    if (take < bytes.length) this._dropped += bytes.length - take;
    if (take > 0) {
      this.chunks.push(take === bytes.length ? bytes : bytes.subarray(0, take));
      this.queued += take;
    }
    if (opts.endOfUtterance) this.flushable = this.queued;
  }

  /** Barge-in: drops everything unsent at once and returns how many bytes; the client flushes its own queue too. */
  clear(nowMs?: number): number {
    const n = this.queued;
    this.chunks.length = 0;
    this.head = 0;
    this.queued = 0;
    this.flushable = 0;
    if (nowMs !== undefined) this.playoutEndMs = nowMs;
    return n;
  }

  /** The client said it played everything (`playback_completed`): playout restarts from now. */
  playbackCompleted(nowMs: number): void {
    this.playoutEndMs = nowMs;
  }

  /** The client answered 429: nothing goes out before `nowMs + ms`, and the burst is spent. */
  retryAfter(nowMs: number, ms: number): void {
    this.refill(nowMs);
    this.blockedUntilMs = Math.max(this.blockedUntilMs, nowMs + Math.max(0, ms));
    this.tokens = 0;
  }

  /** At most one message per call: a caller sends it and polls again until no `send` comes back. */
  poll(nowMs: number): PollResult {
    if (this.queued === 0) return {};
    this.refill(nowMs);
    if (nowMs < this.blockedUntilMs) return { wakeAtMs: this.blockedUntilMs };
    if (this.tokens < 1) return { wakeAtMs: nowMs + Math.ceil(((1 - this.tokens) * 1000) / this.o.ratePerSecond) };
    const aheadBytes = Math.max(0, this.playoutEndMs - nowMs) * BYTES_PER_MS;
    const budget = Math.floor(Math.min(this.leadBytes - aheadBytes, this.o.maxMessageBytes));
    // Below the minimum only when an utterance ends in the queue; otherwise wait for audio or for the lead to free up.
    const want = this.flushable > 0 ? Math.min(this.queued, this.minBytes) : this.minBytes;
    if (this.queued < want) return {};
    if (budget < want) return { wakeAtMs: nowMs + Math.ceil((want - budget) / BYTES_PER_MS) };
    const data = this.take(Math.min(this.queued, budget));
    this.tokens -= 1;
    this.playoutEndMs = Math.max(this.playoutEndMs, nowMs) + data.length / BYTES_PER_MS;
    return { send: data };
  }

  private refill(nowMs: number): void {
    if (this.lastRefillMs !== undefined && nowMs > this.lastRefillMs) {
      this.tokens = Math.min(this.o.burst, this.tokens + ((nowMs - this.lastRefillMs) * this.o.ratePerSecond) / 1000);
    }
    if (this.lastRefillMs === undefined || nowMs > this.lastRefillMs) this.lastRefillMs = nowMs;
  }

  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length - this.head, n - filled);
      out.set(c.subarray(this.head, this.head + k), filled);
      filled += k;
      this.head += k;
      if (this.head === c.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.queued -= n;
    this.flushable = Math.max(0, this.flushable - n);
    return out;
  }
}

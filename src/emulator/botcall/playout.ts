/**
 * Real-time playout of the bot's audio to the caller, as Genesys does it: the
 * audio queues and plays at 8000 bytes/s (8 kHz µ-law); playout "starts" when
 * audio arrives while idle and "completes" when the queue drains or is flushed
 * (barge-in). Pure: time enters as milliseconds, the caller sends the
 * `playback_started` / `playback_completed` messages these transitions return.
 */
export const BYTES_PER_MS = 8;

export interface PlaybackSpan {
  /** Session-relative ms. */
  startedAtMs: number;
  endedAtMs?: number;
  /** Bytes played in this span (all of them unless flushed). */
  bytesPlayed: number;
  /** Bytes queued but dropped by a flush. */
  bytesFlushed: number;
}

export class Playout {
  private drainAt = 0;
  private queuedInSpan = 0;
  private current: PlaybackSpan | undefined;
  readonly spans: PlaybackSpan[] = [];

  constructor(private readonly maxSpans = 1000) {}

  get playing(): boolean {
    return this.current !== undefined;
  }

  /** Queues audio; true when this starts playout (it was idle). */
  push(bytes: number, nowMs: number): boolean {
    const started = this.current === undefined;
    if (started) {
      this.current = { startedAtMs: nowMs, bytesPlayed: 0, bytesFlushed: 0 };
      if (this.spans.length < this.maxSpans) this.spans.push(this.current);
      this.drainAt = nowMs;
      this.queuedInSpan = 0;
    }
    this.drainAt += bytes / BYTES_PER_MS;
    this.queuedInSpan += bytes;
    return started;
  }

  /** Plays up to `nowMs`; true when the queue drained (playout completed). */
  advance(nowMs: number): boolean {
    if (!this.current || nowMs < this.drainAt) return false;
    this.end(this.drainAt, 0);
    return true;
  }

  /** Drops whatever has not been played yet; returns the bytes dropped (undefined when idle). */
  flush(nowMs: number): number | undefined {
    if (!this.current) return undefined;
    const unplayed = Math.max(0, Math.round((this.drainAt - nowMs) * BYTES_PER_MS));
    this.end(Math.min(nowMs, this.drainAt), unplayed);
    return unplayed;
  }

  private end(atMs: number, flushed: number): void {
    const span = this.current as PlaybackSpan;
    span.endedAtMs = atMs;
    span.bytesFlushed = flushed;
    span.bytesPlayed = this.queuedInSpan - flushed;
    this.current = undefined;
  }
}

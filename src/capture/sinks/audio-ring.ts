/**
 * The stream sink's per-destination replay buffer: one preallocated byte
 * buffer holding the last seconds of a destination's audio, and the frames'
 * metadata (timeline position and end, byte offset and length, samples,
 * arrival time, sent flag) in typed arrays used as a circular index.
 *
 * Frames are numbered by a sequence that only grows; frame `seq` lives in
 * metadata slot `seq % maxFrames`. Bytes are placed after the newest frame,
 * wrapping to the start of the buffer when a frame does not fit at the end, so
 * a frame's bytes are always contiguous and consecutive frames usually are
 * (a batch can then be sent as one view of the buffer, without a copy).
 *
 * Eviction takes the oldest frame first, when the ring holds more than its
 * time bound, when a new frame needs its bytes or its slot. The owner hears of
 * each eviction (`onEvict`) to count an unsent frame as dropped.
 */
import type { Nanos } from '../../protocol/audiohook/index.js';

export interface AudioRingSize {
  /** Samples (per channel) kept: the time bound. The newest frame is always kept. */
  maxSamples: number;
  /** Bytes per sample frame (all channels) of what is stored. */
  unit: number;
  /** Frame slots: the most frames kept, whatever their length. */
  maxFrames: number;
  /** Bytes beyond `maxSamples × unit`: room for the wrap and the frame that overruns the time bound. */
  slackBytes: number;
}

export class AudioRing {
  /** Sequence number of the oldest frame kept, and of the next frame to come. */
  head = 0;
  tail = 0;
  private buf: Buffer;
  private readonly pos: Float64Array;
  private readonly endPos: Float64Array;
  private readonly off: Uint32Array;
  private readonly len: Uint32Array;
  private readonly samples: Uint32Array;
  private readonly at: Float64Array;
  private readonly sentFlag: Uint8Array;
  private readonly slots: number;
  private heldSamples = 0;

  constructor(
    private readonly size: AudioRingSize,
    private readonly onEvict: (seq: number, sent: boolean) => void,
  ) {
    // allocUnsafe: no byte is ever read before it is written, and untouched pages cost no memory.
    this.buf = Buffer.allocUnsafe(Math.max(1, size.maxSamples * size.unit + size.slackBytes));
    this.slots = Math.max(1, size.maxFrames);
    this.pos = new Float64Array(this.slots);
    this.endPos = new Float64Array(this.slots);
    this.off = new Uint32Array(this.slots);
    this.len = new Uint32Array(this.slots);
    this.samples = new Uint32Array(this.slots);
    this.at = new Float64Array(this.slots);
    this.sentFlag = new Uint8Array(this.slots);
  }

  get empty(): boolean {
    return this.head === this.tail;
  }

  /**
   * Makes room for a frame of `length` bytes, records its metadata and returns
   * the buffer and offset to copy its bytes to. Evicts what it must.
   */
  push(length: number, position: Nanos, end: Nanos, samples: number, at: number): { buf: Buffer; offset: number } {
    if (this.tail - this.head === this.slots) this.evict();
    let offset = this.place(length);
    while (offset < 0 && !this.empty) {
      this.evict();
      offset = this.place(length);
    }
    if (offset < 0) offset = this.grow(length);
    const i = this.tail % this.slots;
    this.pos[i] = position;
    this.endPos[i] = end;
    this.off[i] = offset;
    this.len[i] = length;
    this.samples[i] = samples;
    this.at[i] = at;
    this.sentFlag[i] = 0;
    this.tail++;
    this.heldSamples += samples;
    while (this.heldSamples > this.size.maxSamples && this.tail - this.head > 1) this.evict();
    return { buf: this.buf, offset };
  }

  position(seq: number): Nanos {
    return this.pos[seq % this.slots] as number;
  }

  end(seq: number): Nanos {
    return this.endPos[seq % this.slots] as number;
  }

  arrivedAt(seq: number): number {
    return this.at[seq % this.slots] as number;
  }

  byteLength(seq: number): number {
    return this.len[seq % this.slots] as number;
  }

  sent(seq: number): boolean {
    return this.sentFlag[seq % this.slots] === 1;
  }

  /** Whether frame `seq` continues frame `seq − 1` both on the timeline and in the buffer. */
  continues(seq: number): boolean {
    const i = seq % this.slots;
    const p = (seq - 1) % this.slots;
    return this.pos[i] === this.endPos[p] && this.off[i] === (this.off[p] as number) + (this.len[p] as number);
  }

  /** The bytes of frames `from` … `to − 1`, which must be contiguous (see `continues`): a view, not a copy. */
  view(from: number, to: number): Buffer {
    const start = this.off[from % this.slots] as number;
    const last = (to - 1) % this.slots;
    return this.buf.subarray(start, (this.off[last] as number) + (this.len[last] as number));
  }

  markSent(from: number, to: number): void {
    for (let s = from; s < to; s++) this.sentFlag[s % this.slots] = 1;
  }

  unsentCount(): number {
    let n = 0;
    for (let s = this.head; s < this.tail; s++) if (!this.sent(s)) n++;
    return n;
  }

  /** Where `length` bytes fit after the newest frame without touching the oldest, or −1. */
  private place(length: number): number {
    if (this.empty) return length <= this.buf.length ? 0 : -1;
    const last = (this.tail - 1) % this.slots;
    const write = (this.off[last] as number) + (this.len[last] as number);
    const oldest = this.off[this.head % this.slots] as number;
    if (write > oldest) {
      // Kept bytes are [oldest, write): room after them, or at the start before the oldest.
      if (write + length <= this.buf.length) return write;
      return length <= oldest ? 0 : -1;
    }
    // Wrapped: kept bytes are [oldest, end) and [0, write).
    return write + length <= oldest ? write : -1;
  }

  /** A frame larger than the whole buffer (a tiny replay window): the ring is empty, so start afresh. */
  private grow(length: number): number {
    this.buf = Buffer.allocUnsafe(length + this.size.slackBytes);
    return 0;
  }

  private evict(): void {
    const seq = this.head;
    this.heldSamples -= this.samples[seq % this.slots] as number;
    this.head++;
    this.onEvict(seq, this.sent(seq));
  }
}

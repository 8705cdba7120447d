/**
 * The recorder's chunks: fixed-size slots of a few large SharedArrayBuffers,
 * shared with the disk thread (spool-writer.ts). The event loop copies frames
 * into a slot; the disk thread writes the slot out and hands back its number.
 *
 * Why shared memory and not ArrayBuffers moved back and forth: a transferred
 * buffer comes back as a new ArrayBuffer, and V8 counts each one as fresh
 * allocation. At 1,000 recorded calls that is 16 MB/s of apparent allocation,
 * and it made the main isolate run a full mark-compact about every second
 * (`--trace-gc`: 25 in a 40 s run against 2 with the recorder off), with
 * incremental-marking steps of up to 20 ms on the event loop. Slots of a
 * buffer allocated once cost the garbage collector nothing, and the messages
 * carry slot numbers only.
 */

/** Bytes per chunk: about one second of stereo PCMU (8,000 samples/s × 2 channels). */
export const SPOOL_CHUNK_BYTES = 16 * 1024;
/** Slots per segment: 256 × 16 KiB = 4 MiB allocated at a time. */
const SLOTS_PER_SEGMENT = 256;

/** A slot: its number (what the disk thread is told) and the event loop's view of it. */
export interface Chunk {
  readonly id: number;
  readonly buf: Buffer;
}

/** What the disk thread needs to see a segment: its index (chunk id ÷ slots) and memory. */
export interface PoolSegment {
  index: number;
  sab: SharedArrayBuffer;
}

export interface PoolEvents {
  added(segment: PoolSegment): void;
  dropped(index: number): void;
}

interface Segment extends PoolSegment {
  chunks: Chunk[];
  /** Free slot numbers within the segment (a stack: the last freed is the warmest). */
  free: number[];
}

export class ChunkPool {
  private readonly segments: (Segment | undefined)[] = [];
  private events: PoolEvents | undefined;

  constructor(
    readonly size = SPOOL_CHUNK_BYTES,
    readonly slotsPerSegment = SLOTS_PER_SEGMENT,
  ) {}

  /** The disk thread's writer follows the segments as they come and go. */
  listen(events: PoolEvents): void {
    this.events = events;
  }

  /** Segments in use now (for a disk thread started after they were made). */
  live(): PoolSegment[] {
    return this.segments.flatMap((s) => (s ? [{ index: s.index, sab: s.sab }] : []));
  }

  /** A free slot, from the lowest segment that has one, so higher segments empty out and can be let go. */
  take(): Chunk {
    for (const s of this.segments) {
      const slot = s?.free.pop();
      if (s && slot !== undefined) return s.chunks[slot] as Chunk;
    }
    const s = this.grow();
    return s.chunks[s.free.pop() as number] as Chunk;
  }

  /** Back to the pool; a segment left wholly free while others have a segment's worth of free slots is released. */
  give(id: number): void {
    const s = this.segments[Math.floor(id / this.slotsPerSegment)];
    if (!s) return;
    s.free.push(id % this.slotsPerSegment);
    if (s.free.length === this.slotsPerSegment && s.index > 0 && this.freeOutside(s) >= this.slotsPerSegment) this.release(s);
  }

  /** Slots handed out and not given back (tests, metrics). */
  get inUse(): number {
    let n = 0;
    for (const s of this.segments) if (s) n += this.slotsPerSegment - s.free.length;
    return n;
  }

  private grow(): Segment {
    let index = this.segments.indexOf(undefined);
    if (index < 0) index = this.segments.length;
    const sab = new SharedArrayBuffer(this.size * this.slotsPerSegment);
    const chunks: Chunk[] = [];
    const free: number[] = [];
    for (let slot = 0; slot < this.slotsPerSegment; slot++) {
      chunks.push({ id: index * this.slotsPerSegment + slot, buf: Buffer.from(sab, slot * this.size, this.size) });
      // Reversed, so slot 0 is taken first.
      free.push(this.slotsPerSegment - 1 - slot);
    }
    const s: Segment = { index, sab, chunks, free };
    this.segments[index] = s;
    this.events?.added({ index, sab });
    return s;
  }

  private freeOutside(segment: Segment): number {
    let n = 0;
    for (const s of this.segments) if (s && s !== segment) n += s.free.length;
    return n;
  }

  private release(s: Segment): void {
    this.segments[s.index] = undefined;
    while (this.segments.length > 0 && this.segments[this.segments.length - 1] === undefined) this.segments.pop();
    this.events?.dropped(s.index);
  }
}

/**
 * Visits each session when its next frame falls due instead of all sessions
 * once per shared tick. Sessions are bucketed by their phase within the frame
 * period; a fine timer visits only the buckets whose time has come.
 *
 * Why: with one coarse tick every session's frame leaves in a single burst
 * (1,000 frames at once for 1,000 × 20 ms), and that burst — on the client
 * and again on the server — is what a ping or an open waits behind. Real
 * Genesys traffic is not synchronised like that.
 */
export class FramePacer<T> {
  private readonly slots: Set<T>[];
  private readonly slotOf = new Map<T, number>();
  private readonly slotMs: number;
  private last: number | undefined;

  constructor(
    private readonly frameMs: number,
    targetSlotMs: number,
    private readonly visit: (item: T, now: number) => void,
  ) {
    const n = Math.max(1, Math.round(frameMs / targetSlotMs));
    this.slotMs = frameMs / n;
    this.slots = Array.from({ length: n }, () => new Set<T>());
  }

  /** `t0` is the item's time zero: its frames fall due at t0 + k × frameMs. */
  add(item: T, t0: number): void {
    const phase = ((t0 % this.frameMs) + this.frameMs) % this.frameMs;
    // The first slot boundary at or after the phase, so the frame is due when the slot is visited.
    const slot = Math.ceil(phase / this.slotMs - 1e-9) % this.slots.length;
    this.slots[slot]?.add(item);
    this.slotOf.set(item, slot);
  }

  delete(item: T): void {
    const slot = this.slotOf.get(item);
    if (slot === undefined) return;
    this.slots[slot]?.delete(item);
    this.slotOf.delete(item);
  }

  /** Visits every slot whose boundary has passed since the last run (each slot at most once). */
  run(now: number): void {
    const current = Math.floor(now / this.slotMs);
    const from = this.last === undefined ? current : Math.max(this.last + 1, current - this.slots.length + 1);
    for (let k = from; k <= current; k++) {
      const slot = this.slots[k % this.slots.length] as Set<T>;
      for (const item of slot) this.visit(item, now);
    }
    this.last = current;
  }
}

/**
 * Per-frame timestamps for the forwarding latency: the load generator writes
 * its send time into the first 8 bytes of each audio frame, Hookline forwards
 * the bytes untouched (a `both`-channels destination gets the frame as
 * received), and the receiver subtracts.
 *
 * The clock is process.hrtime (CLOCK_MONOTONIC on Linux), which every process
 * on the machine shares, so the two readings compare directly — unlike
 * performance.timeOrigin-based times, which can drift apart between processes.
 */
export const STAMP_BYTES = 8;

/** A copy of `frame` carrying the current time (the source's buffer is shared by every session). */
export function stamped(frame: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(frame.length);
  out.set(frame);
  out.writeBigUInt64LE(process.hrtime.bigint(), 0);
  return out;
}

/** Nanoseconds since the frame was stamped, or undefined for a frame too short to carry a stamp. */
export function ageNs(frame: Buffer): number | undefined {
  if (frame.length < STAMP_BYTES) return undefined;
  return Number(process.hrtime.bigint() - frame.readBigUInt64LE(0));
}

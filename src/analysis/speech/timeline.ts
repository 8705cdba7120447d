/**
 * Engine time → stream time. An engine counts milliseconds of the audio it
 * was given; the AudioHook stream timeline keeps running through pauses and
 * discards (docs/guidance-speech.md, reference "Timeline"), and audio we drop
 * never reaches the engine. So every frame fed records where it sits on the
 * stream, and a result's engine times are mapped back through those anchors.
 * Pure: no clock, no I/O.
 */

interface Anchor {
  engineMs: number;
  streamMs: number;
}

/** Anchors kept: results come back seconds after their audio, so older ones are never asked for. */
const MAX_ANCHORS = 1024;
/** Sub-millisecond drift from frame rounding is not a gap. */
const GAP_TOLERANCE_MS = 0.5;

export class EngineTimeline {
  private readonly anchors: Anchor[] = [];
  private engineMs = 0;

  /** Engine audio so far (ms). */
  get fedMs(): number {
    return this.engineMs;
  }

  /**
   * `durationMs` of audio starting at `positionMs` on the stream. `advanced`: the engine's clock moved
   * (false when the audio was dropped before the engine saw it).
   */
  fed(positionMs: number, durationMs: number, advanced: boolean): void {
    if (!advanced) return;
    const last = this.anchors.at(-1);
    if (!last || Math.abs(last.streamMs + (this.engineMs - last.engineMs) - positionMs) > GAP_TOLERANCE_MS) {
      this.anchors.push({ engineMs: this.engineMs, streamMs: positionMs });
      if (this.anchors.length > MAX_ANCHORS) this.anchors.shift();
    }
    this.engineMs += durationMs;
  }

  /** Where engine time `engineMs` is on the stream timeline (ms, rounded). */
  toStream(engineMs: number): number {
    let anchor = this.anchors[0];
    if (!anchor) return Math.round(engineMs);
    for (let i = this.anchors.length - 1; i >= 0; i--) {
      const a = this.anchors[i] as Anchor;
      if (a.engineMs <= engineMs) {
        anchor = a;
        break;
      }
    }
    return Math.round(anchor.streamMs + Math.max(0, engineMs - anchor.engineMs));
  }
}

/**
 * A call's audio: stereo 8 kHz µ-law, channel 0 the customer (AudioHook
 * `external`), channel 1 the agent (`internal`). Phrases alternate during the
 * talk intervals with gaps of silence; which phrase and how long each gap is
 * comes from a generator seeded by the conversation id, so the AudioHook
 * stream and the recording of one call are the same bytes.
 *
 * Sample 0 is the conversation start. Rendering any sample range is cheap
 * (fill silence, copy the few overlapping phrases), so nothing is buffered.
 */
import { ULAW_SILENCE } from '../../audio/index.js';
import { Rng } from '../core/rng.js';
import type { SpeechClips } from './fixtures.js';

export const RATE = 8000;
const SAMPLES_PER_MS = RATE / 1000;

export interface Placement {
  channel: 0 | 1;
  start: number;
  clip: Uint8Array;
}

export class CallAudio {
  /** Sorted by start. */
  readonly placements: Placement[];
  private readonly maxClip: number;

  constructor(placements: Placement[], readonly totalSamples: number) {
    this.placements = [...placements].sort((a, b) => a.start - b.start);
    this.maxClip = Math.max(0, ...placements.map((p) => p.clip.length));
  }

  /** Interleaved stereo bytes for samples [from, to). */
  render(from: number, to: number): Uint8Array {
    const n = Math.max(0, to - from);
    const out = new Uint8Array(n * 2).fill(ULAW_SILENCE);
    // Placements starting before `from - maxClip` cannot reach this range.
    for (let i = this.firstFrom(from - this.maxClip); i < this.placements.length; i++) {
      const p = this.placements[i] as Placement;
      if (p.start >= to) break;
      const a = Math.max(from, p.start);
      const b = Math.min(to, p.start + p.clip.length);
      for (let s = a; s < b; s++) out[(s - from) * 2 + p.channel] = p.clip[s - p.start] as number;
    }
    return out;
  }

  private firstFrom(sample: number): number {
    let lo = 0;
    let hi = this.placements.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.placements[mid] as Placement).start < sample) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export const msToSamples = (ms: number) => Math.round(ms * SAMPLES_PER_MS);

/** A whole recorded call (customer and agent clips of equal length) placed from `atMs` after the conversation start. */
export function placeCallAudio(audio: { customer: Uint8Array; agent: Uint8Array }, atMs: number, totalMs: number): CallAudio {
  const start = msToSamples(atMs);
  return new CallAudio([{ channel: 0, start, clip: audio.customer }, { channel: 1, start, clip: audio.agent }], msToSamples(totalMs));
}

/**
 * Arranges phrases in the talk intervals (ms relative to the conversation
 * start). The agent speaks first, then turns alternate.
 */
export function arrangeCall(conversationId: string, talk: { start: number; end: number }[], totalMs: number, clips: SpeechClips): CallAudio {
  const rng = new Rng(`audio:${conversationId}`);
  const placements: Placement[] = [];
  let speaker: 0 | 1 = 1;
  for (const iv of talk) {
    let cursor = msToSamples(iv.start) + msToSamples(rng.int(300, 900));
    const end = msToSamples(iv.end);
    for (;;) {
      const clip = rng.pick(speaker === 0 ? clips.customer : clips.agent);
      if (cursor + clip.length > end) break;
      placements.push({ channel: speaker, start: cursor, clip });
      cursor += clip.length + msToSamples(rng.int(250, 1200));
      speaker = speaker === 0 ? 1 : 0;
    }
  }
  return new CallAudio(placements, msToSamples(totalMs));
}

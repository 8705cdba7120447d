/**
 * The downstream stream protocol's ordering rules (docs/stream-protocol.md
 * "Message order"), checked over one connection's frames as a receiver saw
 * them. Returns the violations (empty when the sequence is valid), so a
 * property test can print the offending sequence.
 */
import { bytesPerSample, parseDuration, samplesToNanos, type Nanos } from '../../src/protocol/audiohook/index.js';
import type { StreamMessage } from '../../src/protocol/stream/index.js';

export type Frame = { text: StreamMessage } | { binary: number };

/** Positions are formatted to the nanosecond; allow rounding of a sample count. */
const TOLERANCE_NS = 1000;

const pos = (text: string): Nanos => parseDuration(text) ?? Number.NaN;
const near = (a: Nanos, b: Nanos): boolean => Math.abs(a - b) <= TOLERANCE_NS;
const s = (ns: Nanos): string => (ns / 1e9).toFixed(6);

export interface StreamExpectations {
  /** The call's timeline at its end: `end.position` must equal it. */
  timelineEnd?: Nanos;
}

export function streamViolations(frames: readonly Frame[], expect: StreamExpectations = {}): string[] {
  const out: string[] = [];
  const first = frames[0];
  if (!first || !('text' in first) || first.text.type !== 'start') return ['the first message is not start'];
  const start = first.text;
  const unit = bytesPerSample(start.media.format) * start.media.channels;
  let cur = pos(start.position);
  let paused: Nanos | undefined;
  let agent = start.agent?.id;
  let ended = false;
  frames.slice(1).forEach((f, i) => {
    const at = `#${i + 1}`;
    if (ended) return out.push(`${at}: a frame after end`);
    if ('binary' in f) {
      if (paused !== undefined) out.push(`${at}: audio while paused`);
      cur += samplesToNanos(f.binary / unit, start.media.rate);
      return;
    }
    const m = f.text;
    switch (m.type) {
      case 'start':
        out.push(`${at}: a second start on one connection`);
        break;
      case 'paused':
        if (paused !== undefined) out.push(`${at}: paused while paused`);
        if (!near(pos(m.position), cur)) out.push(`${at}: paused at ${m.position}, timeline at ${s(cur)}`);
        paused = pos(m.position);
        break;
      case 'resumed':
        if (paused === undefined) out.push(`${at}: resumed without paused`);
        else if (!near(pos(m.start), paused)) out.push(`${at}: resumed.start ${m.start} is not where the pause began (${s(paused)})`);
        if (!near(pos(m.position), pos(m.start) + pos(m.discarded))) out.push(`${at}: resumed.position is not start + discarded`);
        if (pos(m.position) < cur - TOLERANCE_NS) out.push(`${at}: resumed at ${m.position}, behind the timeline ${s(cur)}`);
        cur = pos(m.position);
        paused = undefined;
        break;
      case 'discarded':
        if (paused !== undefined) out.push(`${at}: discarded while paused`);
        if (pos(m.position) < cur - TOLERANCE_NS) out.push(`${at}: discarded at ${m.position}, behind the timeline ${s(cur)}`);
        cur = pos(m.position);
        break;
      case 'gap':
        if (pos(m.to) < pos(m.from) || pos(m.from) < cur - TOLERANCE_NS) out.push(`${at}: gap ${m.from}..${m.to} goes backwards from ${s(cur)}`);
        cur = pos(m.to);
        break;
      case 'tagged':
        if (paused !== undefined) out.push(`${at}: tagged while paused`);
        if (!near(pos(m.position), cur)) out.push(`${at}: tagged at ${m.position}, timeline at ${s(cur)}`);
        if (m.agent?.id === agent) out.push(`${at}: tagged with an unchanged agent ${String(agent)}`);
        agent = m.agent?.id;
        break;
      case 'end':
        ended = true;
        if (pos(m.position) < cur - TOLERANCE_NS) out.push(`${at}: end at ${m.position}, behind the timeline ${s(cur)}`);
        if (expect.timelineEnd !== undefined && !near(pos(m.position), expect.timelineEnd)) {
          out.push(`${at}: end at ${m.position}, the call's timeline ended at ${s(expect.timelineEnd)}`);
        }
        break;
    }
    return undefined;
  });
  if (!ended) out.push('no end');
  return out;
}

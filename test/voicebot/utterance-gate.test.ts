/**
 * The recognizer hears the caller's utterances with a little pre-roll, and
 * never the silences between them (seconds of µ-law 0xFF made pocketsphinx
 * recognize nothing afterwards).
 */
import { describe, expect, it } from 'vitest';
import { PRE_ROLL_BYTES, UtteranceGate } from '../../src/voicebot/utterance-gate.js';
import type { VadEvent } from '../../src/voicebot/vad.js';

class Recorder {
  readonly log: string[] = [];
  send(audio: Uint8Array): void {
    this.log.push(`audio:${audio[0]}`);
  }
  endUtterance(): void {
    this.log.push('end');
  }
}

/** A 200 ms frame whose first byte names it. */
const frame = (n: number): Uint8Array => new Uint8Array(1600).fill(n);
const start: VadEvent = { type: 'speech-start', atMs: 0 };
const end: VadEvent = { type: 'speech-end', atMs: 0 };

describe('UtteranceGate', () => {
  it('holds silence back, sends the pre-roll and the utterance, ends it, then holds silence again', () => {
    const gate = new UtteranceGate();
    const asr = new Recorder();
    for (let i = 1; i <= 10; i++) gate.push(frame(i), [], asr); // two seconds of silence
    expect(asr.log).toEqual([]);
    gate.push(frame(11), [start], asr);
    gate.push(frame(12), [], asr);
    gate.push(frame(13), [end], asr);
    for (let i = 14; i <= 20; i++) gate.push(frame(i), [], asr);
    // 400 ms of pre-roll (frames 9 and 10), the utterance, its end; nothing of the silence after.
    expect(PRE_ROLL_BYTES).toBe(3200);
    expect(asr.log).toEqual(['audio:9', 'audio:10', 'audio:11', 'audio:12', 'audio:13', 'end']);
    expect(gate.speaking).toBe(false);
  });

  it('a frame that both starts and ends speech is sent once, then ended', () => {
    const gate = new UtteranceGate();
    const asr = new Recorder();
    gate.push(frame(1), [], asr);
    gate.push(frame(2), [start, end], asr);
    gate.push(frame(3), [], asr);
    expect(asr.log).toEqual(['audio:1', 'audio:2', 'end']);
  });

  it('without a connected recognizer it only keeps track', () => {
    const gate = new UtteranceGate();
    gate.push(frame(1), [start], undefined);
    expect(gate.speaking).toBe(true);
    const asr = new Recorder();
    gate.push(frame(2), [end], asr);
    expect(asr.log).toEqual(['audio:2', 'end']);
  });
});

/**
 * Passes the caller's audio to the recognizer only while the VAD hears speech,
 * with a short pre-roll so the first syllable is not cut, and ends each
 * utterance when the VAD says it ended.
 *
 * Why: between utterances a caller is mostly silent while the bot talks, and
 * Genesys sends that silence as digital zero (µ-law 0xFF). pocketsphinx fed
 * seconds of it recognized nothing afterwards (its noise and cepstral
 * estimates collapse on exact zeros); a cloud recognizer bills for it. With
 * the gate a recognizer sees speech, then the end of it, then the next speech.
 */
import type { VadEvent } from './vad.js';

/** Audio kept from before the VAD confirmed speech: it needs some speech before it says so. */
export const PRE_ROLL_BYTES = 3200; // 400 ms of 8 kHz µ-law

export interface GatedRecognizer {
  send(audio: Uint8Array): void;
  endUtterance?(): void;
}

export class UtteranceGate {
  private open = false;
  private readonly preRoll: Uint8Array[] = [];
  private preRollBytes = 0;

  constructor(private readonly preRollLimit = PRE_ROLL_BYTES) {}

  get speaking(): boolean {
    return this.open;
  }

  /** One frame of caller audio and what the VAD made of it; `asr` may be absent (not connected yet). */
  push(frame: Uint8Array, events: readonly VadEvent[], asr: GatedRecognizer | undefined): void {
    let sent = false;
    for (const ev of events) {
      if (ev.type === 'speech-start' && !this.open) {
        this.open = true;
        for (const held of this.preRoll) asr?.send(held);
        this.clearPreRoll();
      } else if (ev.type === 'speech-end' && this.open) {
        // The frame that ended the utterance belongs to it.
        if (!sent) asr?.send(frame);
        sent = true;
        asr?.endUtterance?.();
        this.open = false;
      }
    }
    if (this.open) {
      if (!sent) asr?.send(frame);
    } else if (!sent) this.hold(frame);
  }

  private hold(frame: Uint8Array): void {
    this.preRoll.push(frame);
    this.preRollBytes += frame.length;
    while (this.preRoll.length > 1 && this.preRollBytes - (this.preRoll[0]?.length ?? 0) >= this.preRollLimit) {
      this.preRollBytes -= this.preRoll.shift()!.length;
    }
  }

  private clearPreRoll(): void {
    this.preRoll.length = 0;
    this.preRollBytes = 0;
  }
}

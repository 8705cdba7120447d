/**
 * The voice activity detector the session drives (an energy VAD lives in
 * src/voicebot/speech): µ-law in, speech onsets and ends out.
 */
export interface VadEvent {
  type: 'speech-start' | 'speech-end';
  /** ms of caller audio since the detector began. */
  atMs: number;
}

export interface Vad {
  push(ulaw: Uint8Array): VadEvent[];
}

/**
 * Speech engine interfaces of the voice-bot bridge, modelled on Rasa's voice
 * stream engines (ASR: connect, send audio, stream partial/final transcripts,
 * close; TTS: synthesize text into an audio stream).
 *
 * Audio crossing these interfaces is always what AudioConnector negotiates:
 * 8 kHz mono G.711 µ-law (PCMU), raw bytes without any header. An engine that
 * works in another format converts at its own edge.
 */

/** What an ASR stream reports. Offsets are ms of caller audio since the stream began. */
export type AsrEvent =
  | { type: 'partial'; text: string }
  | { type: 'final'; text: string; confidence?: number; startMs?: number; endMs?: number }
  /** The engine heard speech begin (engines with their own VAD; barge-in may use it). */
  | { type: 'speech-started'; atMs?: number }
  | { type: 'error'; error: Error };

export interface AsrSessionOptions {
  /** BCP-47 language from `open`/`update` (e.g. `en-US`). */
  language?: string;
  /**
   * Phrases the bot expects (keyword/grammar mode). Empty or absent: continuous
   * recognition. Engines that cannot use them may ignore them.
   */
  phrases?: readonly string[];
  /** Receives every event, in order. Must not throw; must return quickly. */
  listener: (event: AsrEvent) => void;
  /** Aborted when the call ends: the engine stops and releases its resources. */
  signal?: AbortSignal;
}

/** One caller's recognition session. */
export interface AsrStream {
  /** Caller audio, 8 kHz µ-law. Never blocks; an engine that falls behind drops and counts. */
  send(audio: Uint8Array): void;
  /** End of an utterance (our VAD heard silence): flush a pending final now. Optional for engines that endpoint themselves. */
  endUtterance?(): void;
  close(): Promise<void>;
}

export interface AsrEngine {
  readonly name: string;
  connect(options: AsrSessionOptions): Promise<AsrStream>;
}

export interface TtsOptions {
  language?: string;
  voice?: string;
  signal?: AbortSignal;
}

export interface TtsEngine {
  readonly name: string;
  /** Text to 8 kHz µ-law audio, in chunks as they become ready. Aborting `signal` ends the stream early. */
  synthesize(text: string, options?: TtsOptions): AsyncIterable<Uint8Array>;
  close?(): Promise<void>;
}

/** Speech-to-speech (an OpenAI-Realtime-compatible model): audio in, audio out, the model decides turns. */
export type RealtimeEvent =
  | { type: 'audio'; audio: Uint8Array; responseId: string }
  /** The model's server VAD heard the caller start speaking: barge-in. */
  | { type: 'speech-started' }
  | { type: 'transcript'; role: 'caller' | 'bot'; text: string }
  | { type: 'response-done'; responseId: string }
  /** The model asked to end the call (a function call), with Architect output variables. */
  | { type: 'end'; action: 'end' | 'handover'; outputVariables: Record<string, string> }
  | { type: 'error'; error: Error };

export interface RealtimeSessionOptions {
  language?: string;
  /** Architect `inputVariables` from `open`, for the engine's instructions. */
  inputVariables: Readonly<Record<string, string>>;
  listener: (event: RealtimeEvent) => void;
  signal?: AbortSignal;
}

export interface RealtimeSession {
  /** Caller audio, 8 kHz µ-law. */
  send(audio: Uint8Array): void;
  /** Stop the response being spoken (after barge-in). */
  cancelResponse(): void;
  close(): Promise<void>;
}

export interface RealtimeEngine {
  readonly name: string;
  connect(options: RealtimeSessionOptions): Promise<RealtimeSession>;
}

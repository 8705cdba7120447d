/**
 * One party's channel through one speech engine for one call: audio held
 * (bounded) while the engine connects, then streamed; the engine's results
 * mapped from engine time to the stream timeline and turned into phrase hits
 * and/or transcript results. Never blocks, never throws at the caller: audio
 * beyond the bounds is dropped and counted, an engine failure is logged once
 * and the channel goes quiet (the call itself is not affected).
 */
import type { Logger } from '../../platform/logging/index.js';
import type { AsrEngine, AsrEvent, AsrStream } from '../../voicebot/index.js';
import type { Party, SpeechOutput } from '../types.js';
import { PauseDetector } from './pause.js';
import { phraseMatcher, type PhraseMatcher } from './phrases.js';
import { EngineTimeline } from './timeline.js';

/** An engine as one channel uses it, with how it accounts for audio it could not take. */
export interface ChannelEngine {
  engine: AsrEngine;
  /** Bytes the engine dropped so far (it fell behind). */
  dropped(stream: AsrStream): number;
  /** True when the engine's own clock still counts audio it dropped (pocketsphinx does; a remote engine cannot). */
  clockIncludesDrops: boolean;
  /** End the engine's utterance (AsrStream.endUtterance) after this much quiet on the channel (ms); undefined: never. */
  endOnPauseMs?: number | undefined;
}

export interface ChannelOptions {
  party: Party;
  language?: string | undefined;
  /** Phrases to report hits for (as configured); also handed to the engine (keyword spotting). */
  phrases: readonly string[];
  /** Report transcript results (partials and finals). */
  transcripts: boolean;
  out: SpeechOutput;
  /** Audio held while connecting before it is dropped (µ-law bytes). */
  maxPendingBytes: number;
  logger?: Pick<Logger, 'warn'> | undefined;
  /** Counts every µ-law byte dropped on this channel (here or in the engine). */
  onDrop(bytes: number): void;
}

/** PhraseHit.text's bound (types.ts). */
const MAX_HIT_TEXT = 200;
/** A transcript's bound: an utterance's worth, well inside AudioHook's 64 KiB message. */
const MAX_TRANSCRIPT = 2000;

export class ChannelRecognizer {
  private stream: AsrStream | undefined;
  private pending: { audio: Uint8Array; positionMs: number }[] = [];
  private pendingBytes = 0;
  private failed = false;
  private ended = false;
  private readonly timeline = new EngineTimeline();
  private readonly matcher: PhraseMatcher;
  /** Engine time where the current utterance began (the last final's end): partials span from here. */
  private utteranceStartMs = 0;
  private readonly abort = new AbortController();
  private readonly connected: Promise<void>;
  private readonly pauses: PauseDetector | undefined;

  constructor(private readonly ce: ChannelEngine, private readonly o: ChannelOptions) {
    this.matcher = phraseMatcher(o.phrases);
    this.pauses = ce.endOnPauseMs ? new PauseDetector({ pauseMs: ce.endOnPauseMs }) : undefined;
    this.connected = ce.engine
      .connect({
        ...(o.language ? { language: o.language } : {}),
        ...(o.phrases.length > 0 && !o.transcripts ? { phrases: o.phrases } : {}),
        listener: (e) => this.onEvent(e),
        signal: this.abort.signal,
      })
      .then(
        (stream) => {
          this.stream = stream;
          const held = this.pending;
          this.pending = [];
          this.pendingBytes = 0;
          for (const h of held) this.send(h.audio, h.positionMs);
        },
        (err: unknown) => this.fail(err),
      );
  }

  /** One party's µ-law audio starting at `positionMs` on the stream timeline. */
  audio(mono: Uint8Array, positionMs: number): void {
    if (this.failed || this.ended || mono.length === 0) return;
    if (this.stream) return this.send(mono, positionMs);
    if (this.pendingBytes + mono.length > this.o.maxPendingBytes) return this.o.onDrop(mono.length);
    this.pending.push({ audio: mono, positionMs });
    this.pendingBytes += mono.length;
  }

  /** Flushes: the engine's last results are reported before this resolves. */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.connected;
    try {
      await this.stream?.close();
    } catch (err) {
      this.fail(err);
    }
  }

  private send(audio: Uint8Array, positionMs: number): void {
    const pauses = this.pauses?.push(audio) ?? [];
    let from = 0;
    for (const at of pauses) {
      this.feed(audio.subarray(from, at), positionMs + from / 8);
      // Ended where the pause was declared: speech later in this frame starts the next utterance whole.
      // The engine then hears silence we inserted, which its stream takes out of the times it reports
      // (pocketsphinx: endUtterance), so the timeline needs no anchor for it.
      this.stream?.endUtterance?.();
      from = at;
    }
    this.feed(from === 0 ? audio : audio.subarray(from), positionMs + from / 8);
  }

  private feed(audio: Uint8Array, positionMs: number): void {
    if (audio.length === 0) return;
    const stream = this.stream as AsrStream;
    const before = this.ce.dropped(stream);
    stream.send(audio);
    const lost = this.ce.dropped(stream) - before;
    if (lost > 0) this.o.onDrop(lost);
    this.timeline.fed(positionMs, audio.length / 8, lost === 0 || this.ce.clockIncludesDrops);
  }

  private onEvent(e: AsrEvent): void {
    if (e.type === 'error') return this.fail(e.error);
    if (e.type === 'partial' && this.o.transcripts) {
      this.report(() =>
        this.o.out.transcript({ party: this.o.party, text: e.text.slice(0, MAX_TRANSCRIPT), final: false, ...this.span(this.utteranceStartMs, this.timeline.fedMs), ...this.lang() }),
      );
    }
    if (e.type !== 'final') return;
    const startEngine = e.startMs ?? this.utteranceStartMs;
    const endEngine = e.endMs ?? this.timeline.fedMs;
    this.utteranceStartMs = Math.max(this.utteranceStartMs, endEngine);
    const span = this.span(startEngine, endEngine);
    const confidence = e.confidence !== undefined ? { confidence: e.confidence } : {};
    for (const phrase of this.matcher.match(e.text)) {
      this.report(() => this.o.out.phrase({ party: this.o.party, phrase, text: e.text.slice(0, MAX_HIT_TEXT), ...span, ...confidence }));
    }
    if (this.o.transcripts && e.text.trim() !== '') {
      this.report(() => this.o.out.transcript({ party: this.o.party, text: e.text.slice(0, MAX_TRANSCRIPT), final: true, ...span, ...confidence, ...this.lang() }));
    }
  }

  private span(startEngineMs: number, endEngineMs: number): { startMs: number; endMs: number } {
    const startMs = this.timeline.toStream(startEngineMs);
    return { startMs, endMs: Math.max(startMs, this.timeline.toStream(endEngineMs)) };
  }

  private lang(): { language?: string } {
    return this.o.language ? { language: this.o.language } : {};
  }

  private report(fn: () => void): void {
    try {
      fn();
    } catch {
      // The output must not throw (types.ts); if it does, recognition carries on.
    }
  }

  private fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    if (this.pendingBytes > 0) this.o.onDrop(this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    const message = err instanceof Error ? err.message : String(err);
    this.o.logger?.warn({ party: this.o.party, err: message.slice(0, 300) }, 'speech analysis: the engine failed; this channel is no longer recognized');
    this.abort.abort();
  }
}

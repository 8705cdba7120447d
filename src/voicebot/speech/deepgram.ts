/**
 * Streaming ASR over Deepgram's live API (or anything that speaks it).
 *
 * Protocol, from Deepgram's public docs:
 *  - "Live Audio" API reference, https://developers.deepgram.com/reference/speech-to-text-api/listen-streaming
 *    (GET wss://api.deepgram.com/v1/listen, `Authorization: Token <key>`, raw audio as binary frames,
 *    `Results` messages with `channel.alternatives[].transcript`, `is_final`, `speech_final`, `start`, `duration`);
 *  - "Audio Keep Alive", https://developers.deepgram.com/docs/keep-alive (text `{"type":"KeepAlive"}` every
 *    3–5 s while no audio flows, else the server closes after 10 s);
 *  - "Finalize", https://developers.deepgram.com/docs/finalize (flush: the answer is a Results with `from_finalize`);
 *  - "Close Stream", https://developers.deepgram.com/docs/close-stream;
 *  - "Speech Started", https://developers.deepgram.com/docs/speech-started (`vad_events=true`);
 *  - "Utterance End", https://developers.deepgram.com/docs/utterance-end (`utterance_end_ms`, needs interim results).
 *
 * One `final` event per utterance: Deepgram may finalize an utterance in several `is_final` pieces; we
 * join them and emit when the utterance ends — `speech_final` (endpointing heard silence), a Finalize
 * answer (`from_finalize`), or `UtteranceEnd` (word-gap detection, which also covers noisy audio where
 * endpointing never fires). Partials carry the finalized pieces so far plus the interim tail.
 *
 * No reconnect: a link failure is an `error` event and the bridge decides (fallback or hand-over).
 */
import { ulawDecode } from '../../audio/index.js';
import type { Logger } from '../../platform/logging/index.js';
import type { AsrEngine, AsrEvent, AsrSessionOptions, AsrStream } from './types.js';
import { openWsLink, type DropCounter } from './ws-link.js';

/** The tenant's `asr` settings for this engine (src/tenants/voicebot-config.ts). */
export interface DeepgramConfig {
  url: string;
  apiKey: string;
  model?: string;
  endpointingMs: number;
  /** Header that carries the key (default `Authorization`): engines and proxies that speak this API differ. */
  authHeader?: string;
  /** Scheme before the key in that header (default `Token`, Deepgram's); empty: the key alone. */
  authScheme?: string;
  /** Audio on the wire: `mulaw` (8 kHz G.711, as AudioHook sends it; default) or `linear16` (8 kHz 16-bit little-endian PCM). */
  encoding?: 'mulaw' | 'linear16';
}

/** Schedules `fn` every `ms`; returns its cancel. Injectable so tests drive KeepAlive without waiting. */
export type Every = (ms: number, fn: () => void) => () => void;

export interface DeepgramOptions {
  logger?: Logger;
  /** Counts caller-audio bytes dropped (link connecting with a full buffer, or behind). */
  drops?: DropCounter;
  connectTimeoutMs?: number;
  keepAliveMs?: number;
  /** Audio held while connecting, and the most the socket may have unsent (default 5 s of audio). */
  maxBufferedBytes?: number;
  /** `utterance_end_ms` (Deepgram recommends ≥ 1000). */
  utteranceEndMs?: number;
  every?: Every;
  /** After CloseStream, how long the server may take to send its last results and close. */
  closeGraceMs?: number;
}

const realEvery: Every = (ms, fn) => {
  const t = setInterval(fn, ms);
  t.unref();
  return () => clearInterval(t);
};

/** The listen URL: the configured base plus the query this adapter needs (configured values win for model). */
export function deepgramListenUrl(cfg: DeepgramConfig, language: string | undefined, utteranceEndMs: number): string {
  const url = new URL(cfg.url);
  const q = url.searchParams;
  q.set('encoding', cfg.encoding ?? 'mulaw');
  q.set('sample_rate', '8000');
  q.set('channels', '1');
  q.set('interim_results', 'true');
  q.set('endpointing', String(cfg.endpointingMs));
  q.set('vad_events', 'true');
  q.set('utterance_end_ms', String(utteranceEndMs));
  if (cfg.model) q.set('model', cfg.model);
  if (language && !q.has('language')) q.set('language', language);
  return url.toString();
}

interface Piece {
  text: string;
  confidence?: number;
  start?: number;
  end?: number;
}

/** Joins an utterance's final pieces; what a `final` event says about them. */
class Utterance {
  private pieces: Piece[] = [];

  add(p: Piece): void {
    if (p.text) this.pieces.push(p);
  }

  text(tail = ''): string {
    return [...this.pieces.map((p) => p.text), tail].filter(Boolean).join(' ');
  }

  /** The final event, or undefined when nothing was said; empties the utterance. */
  take(): Extract<AsrEvent, { type: 'final' }> | undefined {
    const ps = this.pieces;
    this.pieces = [];
    if (ps.length === 0) return undefined;
    const confs = ps.map((p) => p.confidence).filter((c): c is number => typeof c === 'number');
    const first = ps[0]!;
    const last = ps[ps.length - 1]!;
    return {
      type: 'final',
      text: ps.map((p) => p.text).join(' '),
      ...(confs.length ? { confidence: confs.reduce((a, b) => a + b, 0) / confs.length } : {}),
      ...(first.start !== undefined ? { startMs: Math.round(first.start * 1000) } : {}),
      ...(last.end !== undefined ? { endMs: Math.round(last.end * 1000) } : {}),
    };
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Parses one server text message into events, updating the utterance. */
function deepgramMessageEvents(raw: string, utt: Utterance): AsrEvent[] {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return [];
  }
  switch (m.type) {
    case 'SpeechStarted': {
      const at = num(m.timestamp);
      return [{ type: 'speech-started', ...(at !== undefined ? { atMs: Math.round(at * 1000) } : {}) }];
    }
    case 'UtteranceEnd': {
      const f = utt.take();
      return f ? [f] : [];
    }
    case 'Results': {
      const channel = m.channel as { alternatives?: { transcript?: unknown; confidence?: unknown }[] } | undefined;
      const alt = channel?.alternatives?.[0];
      const text = typeof alt?.transcript === 'string' ? alt.transcript.trim() : '';
      if (m.is_final !== true) return text ? [{ type: 'partial', text: utt.text(text) }] : [];
      const start = num(m.start);
      const duration = num(m.duration);
      utt.add({ text, confidence: num(alt?.confidence), start, end: start !== undefined && duration !== undefined ? start + duration : undefined });
      if (m.speech_final === true || m.from_finalize === true) {
        const f = utt.take();
        return f ? [f] : [];
      }
      return [];
    }
    case 'Error': {
      const what = typeof m.description === 'string' ? m.description : typeof m.message === 'string' ? m.message : 'error';
      return [{ type: 'error', error: new Error(what.slice(0, 200)) }];
    }
    default:
      return []; // Metadata and anything newer
  }
}

export function createDeepgramAsr(cfg: DeepgramConfig, opts: DeepgramOptions = {}): AsrEngine {
  const every = opts.every ?? realEvery;
  const utteranceEndMs = opts.utteranceEndMs ?? 1000;
  return {
    name: 'deepgram',
    connect(session: AsrSessionOptions): Promise<AsrStream> {
      // async: a bad URL rejects the promise rather than throwing at the caller.
      return Promise.resolve().then(() => openStream(cfg, opts, session, every, utteranceEndMs));
    },
  };
}

function openStream(cfg: DeepgramConfig, opts: DeepgramOptions, session: AsrSessionOptions, every: Every, utteranceEndMs: number): AsrStream {
  const utt = new Utterance();
  let ended = false;
  const emit = (e: AsrEvent): void => {
    if (ended && e.type !== 'final') return;
    session.listener(e);
  };
  let audioSinceTick = false;
  const link = openWsLink({
    engine: 'deepgram',
    url: deepgramListenUrl(cfg, session.language, utteranceEndMs),
    headers: { [cfg.authHeader ?? 'Authorization']: cfg.authScheme === '' ? cfg.apiKey : `${cfg.authScheme ?? 'Token'} ${cfg.apiKey}` },
    secret: cfg.apiKey,
    connectTimeoutMs: opts.connectTimeoutMs ?? 5000,
    maxBufferedBytes: opts.maxBufferedBytes ?? 40_000,
    logger: opts.logger,
    drops: opts.drops,
    onOpen: () => undefined,
    onText: (text) => {
      for (const e of deepgramMessageEvents(text, utt)) {
        if (e.type === 'error') emit({ type: 'error', error: new Error(`deepgram: ${e.error.message}`) });
        else emit(e);
      }
    },
    onError: (error) => emit({ type: 'error', error }),
    onClose: () => stopKeepAlive(),
  });
  // KeepAlive only while idle: audio itself keeps the connection alive.
  const stopKeepAlive = every(opts.keepAliveMs ?? 5000, () => {
    if (!audioSinceTick && link.isOpen) link.send(JSON.stringify({ type: 'KeepAlive' }), true);
    audioSinceTick = false;
  });

  const close = async (): Promise<void> => {
    if (ended) return;
    ended = true;
    stopKeepAlive();
    // CloseStream asks the server to flush what it heard (Results, Metadata) and close.
    const flush = link.isOpen && link.send(JSON.stringify({ type: 'CloseStream' }), true);
    await link.close(flush ? (opts.closeGraceMs ?? 2000) : 0);
  };
  session.signal?.addEventListener('abort', () => void close(), { once: true });

  return {
    send(audio) {
      if (ended || audio.byteLength === 0) return;
      audioSinceTick = true;
      link.send(cfg.encoding === 'linear16' ? linear16(audio) : audio);
    },
    endUtterance() {
      if (!ended) link.send(JSON.stringify({ type: 'Finalize' }), true);
    },
    close,
  };
}

/** µ-law to 16-bit little-endian PCM at the same rate (linear16 on the wire). */
function linear16(audio: Uint8Array): Uint8Array {
  const pcm = ulawDecode(audio);
  const out = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i] as number, i * 2);
  return out;
}

/**
 * The WebSocket plumbing the network speech engines share: connect with an
 * auth header and a connect timeout, hold a bounded amount of outgoing data
 * while the socket opens (beyond it: drop and count), drop and count when the
 * socket falls behind, and turn every failure into one typed error whose text
 * never carries the API key.
 */
import WebSocket from 'ws';
import { mask } from '../../platform/crypto/index.js';
import type { Logger } from '../../platform/logging/index.js';
import { errorMessage } from '../../platform/util/error-message.js';
import { redactUrl } from '../../platform/util/redact-url.js';
import { SpeechEngineError } from './errors.js';

/** A failure talking to a network speech engine (connect, auth, protocol, remote close). */

/** Anything that counts (a prom-client Counter or the platform's FastCounter). */
export interface DropCounter {
  inc(n?: number): void;
}

export interface WsLinkOptions {
  engine: string;
  url: string;
  headers: Record<string, string>;
  /** The secret to scrub from every error text (replaced by its mask). */
  secret: string;
  connectTimeoutMs: number;
  /** Most bytes held while connecting, and most the socket may have unsent before we drop. */
  maxBufferedBytes: number;
  /**
   * Largest message the engine may send us (default MAX_ENGINE_MESSAGE_BYTES): a larger one fails the
   * link (close 1009) instead of being buffered whole in memory — ws's own default is 100 MiB.
   */
  maxMessageBytes?: number;
  logger?: Logger;
  drops?: DropCounter;
  onOpen(): void;
  onText(text: string): void;
  onError(error: SpeechEngineError): void;
  /** The socket closed, for whatever reason (after onError when it failed). */
  onClose(): void;
}

export interface WsLink {
  /**
   * Queues while connecting (bounded), sends when open; false when dropped. `control`: a protocol
   * message of ours (session setup, close) that the bounds do not apply to — they are for audio.
   */
  send(data: Uint8Array | string, control?: boolean): boolean;
  readonly isOpen: boolean;
  /** Bytes dropped so far (queue full or socket behind). */
  readonly droppedBytes: number;
  /**
   * Close with 1000 (first giving the peer `peerGraceMs` to close by itself, e.g. after a
   * protocol-level close message); resolves when the socket is closed.
   */
  close(peerGraceMs?: number): Promise<void>;
}

/** Transcripts and realtime events are small JSON (audio deltas a few KiB): 4 MiB leaves room and bounds memory. */
export const MAX_ENGINE_MESSAGE_BYTES = 4 * 1024 * 1024;

export function openWsLink(o: WsLinkOptions): WsLink {
  const scrub = (text: string): string => (o.secret ? text.split(o.secret).join(mask(o.secret)) : text);
  const fail = (what: string, err?: unknown): SpeechEngineError =>
    new SpeechEngineError(scrub(err === undefined ? what : `${what}: ${errorMessage(err)}`), o.engine);

  const ws = new WebSocket(o.url, { headers: o.headers, handshakeTimeout: o.connectTimeoutMs, perMessageDeflate: false, maxPayload: o.maxMessageBytes ?? MAX_ENGINE_MESSAGE_BYTES });
  const pending: (Uint8Array | string)[] = [];
  let pendingBytes = 0;
  let dropped = 0;
  let warnedDrop = false;
  let failed = false;
  let closing = false;
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));

  const drop = (n: number): false => {
    dropped += n;
    o.drops?.inc(n);
    if (!warnedDrop) {
      warnedDrop = true;
      o.logger?.warn({ engine: o.engine }, 'speech engine link is behind: dropping outgoing data (counted)');
    }
    return false;
  };
  const report = (err: SpeechEngineError): void => {
    if (failed || closing) return;
    failed = true;
    o.logger?.warn({ engine: o.engine, err: err.message }, 'speech engine link failed');
    o.onError(err);
  };

  ws.on('open', () => {
    for (const d of pending.splice(0)) ws.send(d);
    pendingBytes = 0;
    o.onOpen();
  });
  ws.on('message', (data, isBinary) => {
    if (!isBinary) o.onText(String(data));
  });
  ws.on('unexpected-response', (_req, res) => {
    // Refused upgrade (e.g. 401 for a wrong key): say the status, never echo the request.
    report(fail(`${redactUrl(o.url.split('?')[0] ?? '')} refused the connection with HTTP ${res.statusCode ?? '?'}`));
    ws.terminate();
  });
  ws.on('error', (err) => report(fail(`connection to ${redactUrl(o.url.split('?')[0] ?? '')} failed`, err)));
  ws.on('close', (code, reason) => {
    // Even a clean close we did not ask for ends the stream: the bridge must hear of it.
    if (!closing) report(fail(`the engine closed the connection (${code}${reason.length ? ` ${reason.toString().slice(0, 120)}` : ''})`));
    o.onClose();
  });

  const size = (d: Uint8Array | string): number => (typeof d === 'string' ? Buffer.byteLength(d) : d.byteLength);
  return {
    send(data, control = false) {
      const n = size(data);
      if (closing || failed) return control ? false : drop(n);
      if (ws.readyState === WebSocket.CONNECTING) {
        if (!control && pendingBytes + n > o.maxBufferedBytes) return drop(n);
        pending.push(data);
        if (!control) pendingBytes += n;
        return true;
      }
      if (ws.readyState !== WebSocket.OPEN) return control ? false : drop(n);
      if (!control && ws.bufferedAmount + n > o.maxBufferedBytes) return drop(n);
      ws.send(data);
      return true;
    },
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
    get droppedBytes() {
      return dropped;
    },
    async close(peerGraceMs = 0) {
      if (closing) return closed;
      closing = true;
      if (ws.readyState === WebSocket.CLOSED) return;
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else if (peerGraceMs > 0) {
        const grace = setTimeout(() => ws.close(1000), peerGraceMs);
        grace.unref();
        void closed.then(() => clearTimeout(grace));
      } else ws.close(1000);
      // A peer that never answers the close frame must not hold the caller.
      const t = setTimeout(() => ws.terminate(), peerGraceMs + 2000);
      t.unref();
      await closed;
      clearTimeout(t);
    },
  };
}

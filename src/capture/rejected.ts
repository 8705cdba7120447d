/**
 * A WebSocket whose upgrade failed authentication, under the `disconnect`
 * policy (REF's default: Genesys shows the reason in the integration's
 * status). It runs no session: after the uniform failure delay it sends
 * `disconnect unauthorized`, answers `close` with `closed` and a few pings
 * with `pong`, ignores everything else, and is cut off after a short grace.
 * No metric, log line or sink sees what such a socket sends.
 */
import type { RawData, WebSocket } from 'ws';
import { NIL_UUID, PROTOCOL_VERSION, isObject, isUuid } from '../protocol/audiohook/index.js';

export interface RejectedParams {
  ws: WebSocket;
  /** The Audiohook-Session-Id header when it was a UUID; else the nil UUID (adopted from the first message). */
  sessionId: string;
  rejectAfterMs: number;
  graceMs: number;
  onEnd: (conn: RejectedConnection) => void;
}

/** Pongs a rejected socket gets at most: enough for a client's keep-alive, not an amplifier. */
const MAX_PONGS = 4;

export class RejectedConnection {
  private id: string;
  private serverSeq = 0;
  private clientSeq = 0;
  private pongs = 0;
  private closedSent = false;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly p: RejectedParams) {
    this.id = p.sessionId;
    p.ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onText(data);
    });
    p.ws.on('error', () => undefined);
    p.ws.once('close', () => this.end());
    this.later(p.rejectAfterMs, () => this.send('disconnect', { reason: 'unauthorized', info: 'Unauthorized' }));
    this.later(p.rejectAfterMs + p.graceMs, () => p.ws.terminate());
  }

  terminate(): void {
    this.p.ws.terminate();
  }

  private onText(data: RawData): void {
    if (this.closedSent) return;
    let msg: unknown;
    try {
      msg = JSON.parse(String(data));
    } catch {
      return;
    }
    if (!isObject(msg)) return;
    if (typeof msg.seq === 'number' && Number.isSafeInteger(msg.seq)) this.clientSeq = msg.seq;
    if (this.id === NIL_UUID && isUuid(msg.id)) this.id = msg.id;
    if (msg.type === 'close') {
      this.closedSent = true;
      this.send('closed', {});
      this.p.ws.close(1000);
    } else if (msg.type === 'ping' && this.pongs++ < MAX_PONGS) {
      this.send('pong', {});
    }
  }

  private send(type: string, parameters: Record<string, unknown>): void {
    if (this.p.ws.readyState !== this.p.ws.OPEN) return;
    this.serverSeq += 1;
    this.p.ws.send(JSON.stringify({ version: PROTOCOL_VERSION, id: this.id, type, seq: this.serverSeq, clientseq: this.clientSeq, parameters }));
  }

  private end(): void {
    for (const t of this.timers) clearTimeout(t);
    this.p.onEnd(this);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(fn, ms);
    t.unref();
    this.timers.push(t);
  }
}

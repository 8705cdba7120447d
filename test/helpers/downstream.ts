/**
 * A bare downstream destination for stream-protocol tests: records every
 * connection's frames in order (text and binary), keyed by the `start`
 * message's session id, and can hold back accepting new connections (a slow
 * or late destination) until told to.
 */
import { EventEmitter } from 'node:events';
import { WebSocketServer, type WebSocket } from 'ws';
import type { StreamMessage } from '../../src/protocol/stream/index.js';
import type { Frame } from './stream-invariants.js';

export class DownstreamCollector extends EventEmitter {
  readonly sessions = new Map<string, Frame[]>();
  /** Milliseconds to wait before accepting each connection. */
  acceptDelayMs = 0;
  private wss: WebSocketServer | undefined;
  private held: (() => void)[] | undefined;

  async start(): Promise<void> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: (_info, cb) => this.admit(() => cb(true)) });
    this.wss = wss;
    await new Promise((r) => wss.once('listening', r));
    wss.on('connection', (ws) => this.onConnection(ws));
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss?.address() as { port: number }).port}`;
  }

  /** New connections wait until `release()`. */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const go of held) go();
  }

  /** Resolves with the session's frames once its `end` arrived. */
  waitEnd(sessionId: string, timeoutMs = 5000): Promise<Frame[]> {
    const done = () => this.sessions.get(sessionId)?.some((f) => 'text' in f && f.text.type === 'end') ?? false;
    if (done()) return Promise.resolve(this.sessions.get(sessionId) as Frame[]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('end', on);
        reject(new Error(`no end for ${sessionId}`));
      }, timeoutMs);
      const on = (id: string) => {
        if (id !== sessionId) return;
        clearTimeout(timer);
        this.off('end', on);
        resolve(this.sessions.get(sessionId) as Frame[]);
      };
      this.on('end', on);
    });
  }

  stop(): Promise<void> {
    this.release();
    return new Promise((r) => (this.wss ? this.wss.close(() => r()) : r()));
  }

  private admit(go: () => void): void {
    if (this.held) this.held.push(go);
    else setTimeout(go, this.acceptDelayMs);
  }

  private onConnection(ws: WebSocket): void {
    let frames: Frame[] | undefined;
    let sessionId = '';
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        frames?.push({ binary: (data as Buffer).length });
        return;
      }
      const m = JSON.parse(String(data)) as StreamMessage;
      if (m.type === 'start') {
        frames = [];
        sessionId = m.sessionId;
        this.sessions.set(sessionId, frames);
      }
      frames?.push({ text: m });
      if (m.type === 'end') this.emit('end', sessionId);
    });
  }
}

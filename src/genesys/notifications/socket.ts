/**
 * The only code that touches `ws`. Opens a notification socket to the
 * `connectUri` the API returned, and reports text frames and the close.
 */
import WebSocket from 'ws';
import { SocketUpgradeError } from '../errors.js';

export interface SocketHandlers {
  onFrame(text: string): void;
  onClose(code: number): void;
}

export interface NotificationSocket {
  readonly id: number;
  send(text: string): void;
  /** Immediate teardown: used for dead sockets and when switching away. */
  close(): void;
}

export interface SocketOptions {
  /** Allocated by the caller (nextSocketId) so frames can be attributed before the open resolves. */
  id: number;
  /** A refused upgrade (e.g. 404 = channel gone) rejects with SocketUpgradeError. */
  handshakeTimeoutMs: number;
}

let lastId = 0;

export const nextSocketId = (): number => ++lastId;

export function openSocket(connectUri: string, handlers: SocketHandlers, opts: SocketOptions): Promise<NotificationSocket> {
  const id = opts.id;
  // Notification events are small JSON documents; 8 MiB is far above any of them and far below the ws default of 100 MiB.
  const ws = new WebSocket(connectUri, { handshakeTimeout: opts.handshakeTimeoutMs, perMessageDeflate: false, maxPayload: 8 * 1024 * 1024 });
  const socket: NotificationSocket = {
    id,
    send: (text) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
    },
    close: () => ws.terminate(),
  };
  return new Promise((resolve, reject) => {
    let opened = false;
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      ws.terminate();
      reject(new SocketUpgradeError(res.statusCode ?? 0));
    });
    ws.on('open', () => {
      opened = true;
      resolve(socket);
    });
    ws.on('message', (data, isBinary) => {
      if (!isBinary) handlers.onFrame(data.toString());
    });
    ws.on('error', (err) => {
      if (!opened) reject(err);
    });
    ws.on('close', (code) => {
      if (opened) handlers.onClose(code);
      else reject(new Error(`notification socket closed before opening (${code})`));
    });
  });
}

/**
 * `hookline receive`: a tiny reference receiver for the stream protocol, for
 * users building their own downstream and for tests. Writes each call to disk.
 */
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../platform/logging/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import type { StreamStart } from '../protocol/stream/index.js';
import { parseStreamMessage } from './messages.js';
import { ReceivedSession } from './session.js';

/** Largest frame a sender may send: audio frames are at most 64 KiB, text frames far less. */
const MAX_PAYLOAD = 1024 * 1024;

export interface ReceiverOptions {
  port: number;
  host?: string;
  outDir: string;
  /** When set, connections must carry `Authorization: Bearer <token>`. */
  token?: string | undefined;
  log: Logger;
}

/** Events: 'start' (session, resumed), 'end' (session) after the files are written. */
export class Receiver extends EventEmitter {
  readonly sessions = new Map<string, ReceivedSession>();
  private wss: WebSocketServer | undefined;
  port = 0;

  constructor(private readonly o: ReceiverOptions) {
    super();
  }

  async start(): Promise<void> {
    await mkdir(this.o.outDir, { recursive: true });
    const wss = new WebSocketServer({
      port: this.o.port,
      host: this.o.host ?? '127.0.0.1',
      perMessageDeflate: false,
      maxPayload: MAX_PAYLOAD,
      verifyClient: ({ req }: { req: IncomingMessage }) => !this.o.token || req.headers.authorization === `Bearer ${this.o.token}`,
    });
    this.wss = wss;
    wss.on('connection', (ws) => this.accept(ws));
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    const addr = wss.address();
    this.port = addr && typeof addr === 'object' ? addr.port : this.o.port;
  }

  async stop(): Promise<void> {
    for (const c of this.wss?.clients ?? []) c.terminate();
    await new Promise<void>((r) => (this.wss ? this.wss.close(() => r()) : r()));
  }

  private accept(ws: WebSocket): void {
    let session: ReceivedSession | undefined;
    ws.on('error', (err) => this.o.log.debug({ err: err.message }, 'stream socket error'));
    ws.on('message', (data, isBinary) => {
      // One bad frame ends its connection, never the process.
      try {
        session = this.onFrame(ws, session, data as Buffer, isBinary);
      } catch (err) {
        this.o.log.error({ err: errorMessage(err) }, 'stream frame failed');
        ws.close(1011, 'internal error');
      }
    });
  }

  private onFrame(ws: WebSocket, session: ReceivedSession | undefined, data: Buffer, isBinary: boolean): ReceivedSession | undefined {
    if (isBinary) {
      session?.onAudio(data);
      return session;
    }
    const parsed = parseStreamMessage(String(data));
    if (!parsed.ok) {
      ws.close(1007, parsed.error);
      return session;
    }
    const m = parsed.message;
    if (!session) {
      if (m.type !== 'start') ws.close(1008, 'expected start');
      else session = this.begin(m);
      return session;
    }
    session.onText(m);
    if (m.type === 'end') this.finish(session);
    return session;
  }

  private begin(start: StreamStart): ReceivedSession {
    let s = this.sessions.get(start.sessionId);
    if (!s) {
      s = new ReceivedSession(start, this.o.outDir);
      this.sessions.set(start.sessionId, s);
    }
    s.restart(start);
    s.messages.push(start);
    this.o.log.info({ sessionId: start.sessionId, conversationId: start.conversationId, agent: start.agent?.id, resumed: start.resumed }, 'stream start');
    this.emit('start', s, start.resumed);
    return s;
  }

  private finish(s: ReceivedSession): void {
    s.finish().then(
      () => {
        this.o.log.info({ sessionId: s.start.sessionId, file: s.path('wav'), dropped: s.ended?.droppedFrames }, 'stream end');
        this.emit('end', s);
      },
      (err: unknown) => this.o.log.error({ err: errorMessage(err) }, 'could not write the received call'),
    );
  }
}

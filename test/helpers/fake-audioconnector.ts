/**
 * A small scripted AudioConnector server for testing the emulator's client:
 * it verifies the upgrade signature, answers open/ping/close like a correct
 * server (or badly, when told), records every message, and lets a test send
 * bot audio, events and `disconnect` with output variables.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { verifyRequest, type VerifyResult } from '../../src/protocol/signature/index.js';
import { until } from './until.js';

export type OpenBehaviour = 'ok' | 'none' | 'malformed' | 'unauthorized';

export interface ClientMsg {
  type: string;
  seq: number;
  serverseq: number;
  parameters: Record<string, unknown>;
}

export class FakeConnection {
  readonly texts: ClientMsg[] = [];
  readonly binaries: Buffer[] = [];
  /** Everything in arrival order: a text message's type, or `binary`. */
  readonly order: string[] = [];
  private seq = 0;
  private lastClientSeq = 0;
  closedSocket = false;

  constructor(
    readonly ws: WebSocket,
    readonly url: string,
    readonly headers: IncomingMessage['headers'],
    readonly verified: VerifyResult,
    private readonly server: FakeAudioConnector,
  ) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.binaries.push(data as Buffer);
        this.order.push('binary');
        return;
      }
      const m = JSON.parse(String(data)) as ClientMsg;
      this.lastClientSeq = m.seq;
      this.texts.push(m);
      this.order.push(m.type);
      this.react(m);
    });
    ws.on('close', () => (this.closedSocket = true));
  }

  of(type: string): ClientMsg[] {
    return this.texts.filter((m) => m.type === type);
  }

  waitFor(type: string, count = 1, ms = 5000): Promise<ClientMsg[]> {
    return until(() => this.of(type).length >= count && this.of(type), ms, `${count} × ${type} (got ${this.order.filter((o) => o !== 'binary').join(',')})`);
  }

  send(type: string, parameters: Record<string, unknown> | undefined): void {
    const msg: Record<string, unknown> = { version: '2', id: this.headers['audiohook-session-id'], type, seq: ++this.seq, clientseq: this.lastClientSeq };
    if (parameters !== undefined) msg.parameters = parameters;
    this.ws.send(JSON.stringify(msg));
  }

  audio(bytes: Uint8Array): void {
    this.ws.send(bytes);
  }

  bargeIn(): void {
    this.send('event', { entities: [{ type: 'barge_in', data: {} }] });
  }

  disconnect(reason: string, extra: { info?: string; outputVariables?: Record<string, string> } = {}): void {
    this.send('disconnect', { reason, ...extra });
  }

  private react(m: ClientMsg): void {
    if (m.type === 'open') {
      const b = this.server.onOpen;
      if (b === 'ok') this.send('opened', { media: [(m.parameters.media as unknown[])[0]], startPaused: false });
      else if (b === 'malformed') this.send('opened', undefined);
      else if (b === 'unauthorized') this.disconnect('unauthorized');
      this.server.onOpened?.(this);
    } else if (m.type === 'ping') this.send('pong', {});
    else if (m.type === 'close' && this.server.answerClose) this.send('closed', {});
    this.server.onMessage?.(this, m);
  }
}

export class FakeAudioConnector {
  readonly connections: FakeConnection[] = [];
  onOpen: OpenBehaviour = 'ok';
  answerClose = true;
  onOpened: ((c: FakeConnection) => void) | undefined;
  onMessage: ((c: FakeConnection, m: ClientMsg) => void) | undefined;

  private constructor(
    private readonly wss: WebSocketServer,
    readonly apiKey: string,
    readonly secret: string,
  ) {
    wss.on('connection', (ws, req) => {
      const verified = verifyRequest(
        { requestTarget: req.url ?? '', authority: req.headers.host ?? '', headers: req.headers },
        { lookup: (k) => (k === apiKey ? { secret: Buffer.from(secret, 'base64') } : undefined), nowSeconds: Date.now() / 1000, clockSkewSeconds: 5, maxAgeSeconds: 10, minNonceLength: 22 },
      );
      this.connections.push(new FakeConnection(ws, req.url ?? '', req.headers, verified, this));
    });
  }

  static async start(apiKey = 'connector-key', secret = Buffer.alloc(32, 9).toString('base64')): Promise<FakeAudioConnector> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    return new FakeAudioConnector(wss, apiKey, secret);
  }

  /** Base connection URI, with the trailing slash Genesys users configure. */
  get baseUri(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/api/v1/audioconnector/`;
  }

  next(index: number): Promise<FakeConnection> {
    return until(() => this.connections[index], 5000, `connection ${index}`);
  }

  async stop(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

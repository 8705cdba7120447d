/**
 * One AudioHook client session over a real WebSocket, driving the pure
 * ClientSession. Behaves like Genesys: signed upgrade, open with media offers,
 * pings carrying the last RTT, honours pause/resume/discardTo, answers
 * disconnect with close. Used by `hookline simulate`, the tests and the
 * emulator's dial-out.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import {
  ClientSession,
  NIL_UUID,
  type ClientEffect,
  type CloseReason,
  type MediaParameter,
  type Nanos,
  type OpenParameters,
} from '../protocol/audiohook/index.js';
import { signRequest } from '../protocol/signature/index.js';

export const DEFAULT_OFFERS: MediaParameter[] = [
  { type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 },
  { type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 },
  { type: 'audio', format: 'PCMU', channels: ['internal'], rate: 8000 },
];

export interface ClientOptions {
  /** ws:// or wss:// URL of the AudioHook endpoint. */
  url: string;
  apiKey: string;
  /** Base64 client secret; without it the upgrade is unsigned. */
  clientSecret?: string | undefined;
  orgId: string;
  conversationId?: string;
  sessionId?: string;
  correlationId?: string;
  participant?: OpenParameters['participant'];
  media?: MediaParameter[];
  language?: string;
  customConfig?: Record<string, unknown>;
  supportedLanguages?: boolean;
  /** Connection probe: nil conversation and participant ids, no audio. */
  probe?: boolean;
  /** Extra or replacement upgrade headers (hostile-input tests). */
  headers?: Record<string, string | undefined>;
  /** Signs with this clock instead of now (seconds). */
  signAt?: number;
  /** Reuse a nonce (replay tests). */
  nonce?: string;
  /** Local address to connect from (tests that need distinct source addresses on loopback). */
  localAddress?: string;
  /** AudioConnector client: server audio is emitted as 'audio' instead of being a violation. */
  connector?: boolean;
  /** AudioConnector `open.inputVariables` (Architect's Inputs). */
  inputVariables?: Record<string, string>;
}

export interface ReceivedMessage {
  type: string;
  seq: number;
  clientseq: number;
  parameters: Record<string, unknown>;
  raw: string;
  at: number;
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Events: 'message' (ReceivedMessage), 'audio' (connector), 'opened', 'paused', 'resumed', 'disconnect', 'closed', 'pong', 'protocolError', 'socketClose'. */
export class AudioHookClient extends EventEmitter {
  readonly sessionId: string;
  readonly correlationId: string;
  readonly core: ClientSession;
  readonly received: ReceivedMessage[] = [];
  readonly rtts: number[] = [];
  ws: WebSocket | undefined;
  openSentAt = 0;
  openLatencyMs: number | undefined;
  framesSent = 0;
  bytesSent = 0;
  httpStatus: number | undefined;
  socketClosed = false;
  closeCode: number | undefined;

  constructor(readonly options: ClientOptions) {
    super();
    this.sessionId = options.sessionId ?? randomUUID();
    this.correlationId = options.correlationId ?? randomUUID();
    const probe = options.probe === true;
    const open: OpenParameters = {
      organizationId: options.orgId,
      conversationId: probe ? NIL_UUID : (options.conversationId ?? randomUUID()),
      participant: probe
        ? { id: NIL_UUID, ani: '', aniName: '', dnis: '' }
        : (options.participant ?? { id: randomUUID(), ani: 'tel:+15555550100', aniName: 'Simulated Caller', dnis: 'tel:+15555550199' }),
      media: options.media ?? DEFAULT_OFFERS,
    };
    if (options.language) open.language = options.language;
    if (options.customConfig) open.customConfig = options.customConfig;
    if (options.supportedLanguages) open.supportedLanguages = true;
    if (options.inputVariables) open.inputVariables = options.inputVariables;
    this.core = new ClientSession({ sessionId: this.sessionId, open, now: () => performance.now(), ...(options.connector ? { connector: true } : {}) });
  }

  get conversationId(): string {
    return this.core.options.open.conversationId;
  }

  /** Opens the WebSocket; resolves when connected, rejects on an HTTP error or socket error. */
  connect(): Promise<void> {
    const url = new URL(this.options.url);
    const headers: Record<string, string> = {
      'user-agent': 'GenesysCloud-AudioHook-Client',
      'audiohook-organization-id': this.options.orgId,
      'audiohook-session-id': this.sessionId,
      'audiohook-correlation-id': this.correlationId,
      'x-api-key': this.options.apiKey,
    };
    if (this.options.clientSecret) {
      Object.assign(
        headers,
        signRequest(
          { requestTarget: url.pathname + url.search, authority: url.host, headers },
          {
            apiKey: this.options.apiKey,
            clientSecret: this.options.clientSecret,
            nowSeconds: this.options.signAt ?? Date.now() / 1000,
            ...(this.options.nonce ? { nonce: this.options.nonce } : {}),
          },
        ),
      );
    }
    for (const [k, v] of Object.entries(this.options.headers ?? {})) {
      if (v === undefined) delete headers[k];
      else headers[k] = v;
    }
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.options.url, { headers, perMessageDeflate: false, maxPayload: 1024 * 1024, ...(this.options.localAddress ? { localAddress: this.options.localAddress } : {}) });
      this.ws = ws;
      ws.on('open', () => resolve());
      ws.on('unexpected-response', (req, res) => {
        this.httpStatus = res.statusCode;
        reject(new Error(`upgrade refused: HTTP ${res.statusCode}`));
        // Let go of the socket now. Kept, a reset from the server after the response came to a
        // socket with no error listener and crashed the process (the load generator, under load).
        req.destroy();
      });
      ws.on('error', (err) => reject(err));
      ws.on('message', (data, isBinary) => {
        if (isBinary) this.run(this.core.handleBinary(toBytes(data)));
        else this.onText(String(data));
      });
      ws.on('close', (code) => {
        this.socketClosed = true;
        this.closeCode = code;
        this.emit('socketClose', code);
      });
    });
  }

  /** Sends `open`. */
  open(): void {
    this.openSentAt = performance.now();
    this.run(this.core.start());
  }

  /** One frame period: sends the frame if streaming, else advances the position. */
  tick(frame: Uint8Array): void {
    this.run(this.core.tick(frame));
  }

  ping(): void {
    this.run(this.core.ping());
  }

  holdStart(): void {
    this.run(this.core.holdStart());
  }

  holdEnd(): void {
    this.run(this.core.holdEnd());
  }

  discard(ns: Nanos): void {
    this.run(this.core.discard(ns));
  }

  update(parameters: Record<string, unknown>): void {
    this.run(this.core.update(parameters));
  }

  close(reason: CloseReason = 'end'): void {
    this.run(this.core.close(reason));
  }

  dtmf(digit: string): void {
    this.run(this.core.dtmf(digit));
  }

  playbackStarted(): void {
    this.run(this.core.playbackStarted());
  }

  playbackCompleted(): void {
    this.run(this.core.playbackCompleted());
  }

  /** Sends a client `error` (e.g. 429 with retryAfter for a server over the binary rate limit). */
  error(code: number, message: string, retryAfter?: string): void {
    this.run(this.core.error(code, message, retryAfter));
  }

  /** Sends arbitrary text (hostile input). */
  sendRaw(text: string): void {
    this.ws?.send(text);
  }

  /** Sends a sequenced message of any type and parameters. */
  sendCustom(type: string, parameters: Record<string, unknown>): void {
    this.run(this.core.custom(type, parameters));
  }

  sendBinary(data: Uint8Array): void {
    this.ws?.send(data);
  }

  terminate(): void {
    this.ws?.terminate();
  }

  /** Resolves with the next (or an already received) message of this type. */
  waitFor(type: string, timeoutMs = 5000, after = 0): Promise<ReceivedMessage> {
    const existing = this.received.find((m, i) => i >= after && m.type === type);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('message', onMsg);
        reject(new Error(`timed out waiting for ${type} (got ${this.received.map((m) => m.type).join(',') || 'nothing'})`));
      }, timeoutMs);
      const onMsg = (m: ReceivedMessage) => {
        if (m.type !== type) return;
        clearTimeout(timer);
        this.off('message', onMsg);
        resolve(m);
      };
      this.on('message', onMsg);
    });
  }

  waitForSocketClose(timeoutMs = 5000): Promise<number | undefined> {
    if (this.socketClosed) return Promise.resolve(this.closeCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for the socket to close')), timeoutMs);
      this.once('socketClose', (code: number) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  private onText(text: string): void {
    try {
      const m = JSON.parse(text) as Record<string, unknown>;
      const msg: ReceivedMessage = {
        type: String(m.type),
        seq: Number(m.seq),
        clientseq: Number(m.clientseq),
        parameters: (m.parameters ?? {}) as Record<string, unknown>,
        raw: text,
        at: performance.now(),
      };
      this.received.push(msg);
      if (msg.type === 'opened' && this.openLatencyMs === undefined) this.openLatencyMs = msg.at - this.openSentAt;
      this.run(this.core.handleText(text));
      this.emit('message', msg);
    } catch {
      this.run(this.core.handleText(text));
    }
  }

  private run(effects: ClientEffect[]): void {
    for (const e of effects) {
      switch (e.kind) {
        case 'send':
          if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(e.text);
          break;
        case 'binary':
          if (this.ws?.readyState === WebSocket.OPEN) {
            this.ws.send(e.data);
            this.framesSent++;
            this.bytesSent += e.data.length;
          }
          break;
        case 'pong':
          this.rtts.push(e.rtt / 1e6);
          this.emit('pong', e.rtt);
          break;
        case 'closed':
          this.emit('closed');
          this.ws?.close(1000);
          break;
        case 'opened':
          this.emit('opened', e);
          break;
        default:
          this.emit(e.kind, e);
      }
    }
  }
}

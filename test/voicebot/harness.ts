/**
 * An AudioConnector endpoint on 127.0.0.1:0 with one tenant and fake bots and engines, and a minimal
 * Genesys-like client that records text and audio in arrival order.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { audiohookSchema } from '../../src/capture/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { createRegistry, type Registry } from '../../src/platform/metrics/index.js';
import { NIL_UUID } from '../../src/protocol/audiohook/index.js';
import { signRequest } from '../../src/protocol/signature/index.js';
import { voicebotSchema, type Credential, type Tenant } from '../../src/tenants/index.js';
import { VoicebotEndpoint, type VoicebotEndpointDeps, type AsrEvent, type AsrSessionOptions, type BotConversation, type BotInput, type BotTurn, type Vad, type VadEvent, type VoicebotFactories } from '../../src/voicebot/index.js';

export type BotBehaviour = (input: BotInput | 'start', signal: AbortSignal) => Promise<BotTurn>;

/** Fakes the session drives; each test scripts the bot and pokes the ASR/VAD. */
export class Fakes {
  bot: BotBehaviour = async (input) => (input === 'start' ? { replies: ['hello'] } : { replies: [] });
  readonly inputs: BotInput[] = [];
  opened: Array<{ conversationId: string; inputVariables: Readonly<Record<string, string>> }> = [];
  closedConversations = 0;
  asr: AsrSessionOptions | undefined;
  asrAudioBytes = 0;
  /** Recognizer streams asked for, and those connected and not yet closed (each would be a process). */
  asrConnects = 0;
  asrLive = 0;
  vadQueue: VadEvent[] = [];
  /** Bytes of µ-law per text: 'long' makes 3 s, anything else 500 ms; each byte tags its utterance. */
  ttsBytes = (text: string): number => (text.startsWith('long') ? 24_000 : 4000);
  ttsTag = new Map<string, number>();
  ttsAborted = 0;

  factories(): VoicebotFactories {
    return fakeFactories(this);
  }

  asrEvent(e: AsrEvent): void {
    this.asr?.listener(e);
  }
}

function fakeFactories(f: Fakes): VoicebotFactories {
    return {
      bot: () => ({
        name: 'fake',
        phrases: () => ['yes', 'no'],
        open(ctx): BotConversation {
          f.opened.push({ conversationId: ctx.conversationId, inputVariables: ctx.inputVariables });
          return {
            start: (signal) => f.bot('start', signal ?? new AbortController().signal),
            send: (input, signal) => {
              f.inputs.push(input);
              return f.bot(input, signal ?? new AbortController().signal);
            },
            close: async () => void f.closedConversations++,
          };
        },
      }),
      asr: () => ({
        name: 'fake-asr',
        connect: async (o) => {
          f.asrConnects++;
          f.asr = o;
          f.asrLive++;
          let closed = false;
          const close = async () => {
            if (!closed) f.asrLive--;
            closed = true;
          };
          o.signal?.addEventListener('abort', () => void close(), { once: true });
          return { send: (a) => void (f.asrAudioBytes += a.length), close };
        },
      }),
      tts: () => ({
        name: 'fake-tts',
        async *synthesize(text, o) {
          const tag = f.ttsTag.get(text) ?? f.ttsTag.size + 1;
          f.ttsTag.set(text, tag);
          const total = f.ttsBytes(text);
          // Streams in 100 ms chunks, yielding to the event loop like a real engine.
          for (let sent = 0; sent < total; sent += 800) {
            if (o?.signal?.aborted) {
              f.ttsAborted++;
              return;
            }
            await new Promise((r) => setImmediate(r));
            yield new Uint8Array(Math.min(800, total - sent)).fill(tag);
          }
        },
      }),
      realtime: () => {
        throw new Error('not in these tests');
      },
      vad: (): Vad => ({ push: () => f.vadQueue.splice(0) }),
    };
}

export interface Harness {
  url: (connector: string) => string;
  orgId: string;
  apiKey: string;
  secret: string;
  fakes: Fakes;
  endpoint: VoicebotEndpoint;
  registry: Registry;
  metric(name: string): Promise<number>;
  client(connector?: string, o?: Partial<ClientOptions>): TestClient;
  stop(): Promise<void>;
}

/** `adapt` replaces some of the fake factories with real ones (e.g. a real engine against a local server). */
export async function startHarness(
  connectorOverrides: Record<string, unknown> = {},
  withFactories = true,
  endpointOverrides: Partial<VoicebotEndpointDeps> = {},
  adapt: (f: VoicebotFactories) => VoicebotFactories = (f) => f,
): Promise<Harness> {
  const orgId = randomUUID();
  const apiKey = `key-${randomBytes(6).toString('hex')}`;
  const secret = randomBytes(32).toString('base64');
  const voicebot = voicebotSchema.parse({
    bots: [{ name: 'fake', type: 'demo' }],
    connectors: [{ id: 'My-Bot', bot: 'fake', timeouts: { botMs: 300, silenceMs: 0, endDrainMs: 5000 }, pacing: { minMessageMs: 200, leadMs: 1000 }, ...connectorOverrides }],
  });
  const tenant = { orgId, voicebot } as unknown as Tenant;
  const cred: Credential = { apiKey, orgId, secret: Buffer.from(secret, 'base64') };
  const fakes = new Fakes();
  const registry = createRegistry(false);
  const endpoint = new VoicebotEndpoint({
    config: { server: { trustForwardedHeaders: false }, audiohook: audiohookSchema.parse({ signature: { failureDelayMs: 150 }, closeGraceSeconds: 1 }) },
    log: createLogger({ level: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent' }),
    registry,
    credentials: { lookup: (k) => (k === apiKey ? cred : undefined), ready: true },
    tenant: (o) => (o === orgId ? tenant : undefined),
    factories: withFactories ? adapt(fakes.factories()) : undefined,
    ...endpointOverrides,
  });
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => {
    if (!endpoint.handleUpgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const url = (c: string) => `ws://127.0.0.1:${port}/api/v1/audioconnector/${c}`;
  const clients: TestClient[] = [];
  return {
    url,
    orgId,
    apiKey,
    secret,
    fakes,
    endpoint,
    registry,
    metric: async (name) => {
      const text = await registry.metrics();
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line ? Number(line.split(' ')[1]) : 0;
    },
    client: (connector = 'my-bot', o = {}) => {
      const c = new TestClient({ url: url(connector), orgId, apiKey, secret, ...o });
      clients.push(c);
      return c;
    },
    stop: async () => {
      for (const c of clients) c.ws?.terminate();
      endpoint.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export interface ClientOptions {
  url: string;
  orgId: string;
  apiKey: string;
  secret: string;
  probe?: boolean;
  inputVariables?: Record<string, string>;
}

export type Received = { kind: 'text'; type: string; seq: number; parameters: Record<string, unknown> } | { kind: 'audio'; data: Buffer };

/** A Genesys-like AudioConnector client: signed upgrade, sequenced messages, everything received in order. */
export class TestClient {
  ws: WebSocket | undefined;
  readonly sessionId = randomUUID();
  readonly conversationId = randomUUID();
  readonly received: Received[] = [];
  private seq = 0;
  private serverSeq = 0;
  private sentBytes = 0;
  private waiters: Array<() => void> = [];

  constructor(readonly o: ClientOptions) {}

  connect(): Promise<void> {
    const url = new URL(this.o.url);
    const headers: Record<string, string> = {
      'audiohook-organization-id': this.o.orgId,
      'audiohook-session-id': this.sessionId,
      'audiohook-correlation-id': randomUUID(),
      'x-api-key': this.o.apiKey,
    };
    Object.assign(headers, signRequest({ requestTarget: url.pathname + url.search, authority: url.host, headers }, { apiKey: this.o.apiKey, clientSecret: this.o.secret, nowSeconds: Date.now() / 1000 }));
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.o.url, { headers, perMessageDeflate: false });
      this.ws = ws;
      ws.on('open', () => resolve());
      ws.on('error', reject);
      ws.on('message', (data, isBinary) => {
        const buf = data as Buffer;
        if (isBinary) this.received.push({ kind: 'audio', data: buf });
        else {
          const m = JSON.parse(buf.toString()) as { type: string; seq: number; parameters: Record<string, unknown> };
          this.serverSeq = m.seq;
          this.received.push({ kind: 'text', type: m.type, seq: m.seq, parameters: m.parameters });
          if (m.type === 'disconnect') this.send('close', { reason: 'disconnect' });
        }
        for (const w of this.waiters.splice(0)) w();
      });
    });
  }

  send(type: string, parameters: Record<string, unknown>): void {
    this.seq++;
    const position = `PT${(this.sentBytes / 8000).toFixed(3)}S`;
    this.ws?.send(JSON.stringify({ version: '2', id: this.sessionId, type, seq: this.seq, serverseq: this.serverSeq, position, parameters }));
  }

  open(): void {
    const probe = this.o.probe === true;
    this.send('open', {
      organizationId: this.o.orgId,
      conversationId: probe ? NIL_UUID : this.conversationId,
      participant: probe ? { id: NIL_UUID, ani: '', aniName: '', dnis: '' } : { id: randomUUID(), ani: 'tel:+15555550100', aniName: 'Caller', dnis: 'tel:+15555550199' },
      media: [{ type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 }],
      language: 'en-US',
      ...(this.o.inputVariables ? { inputVariables: this.o.inputVariables } : {}),
    });
  }

  audio(bytes = 1600, fill = 0xff): void {
    this.sentBytes += bytes;
    this.ws?.send(Buffer.alloc(bytes, fill));
  }

  texts(type?: string) {
    return this.received.filter((r): r is Extract<Received, { kind: 'text' }> => r.kind === 'text' && (type === undefined || r.type === type));
  }

  audioBytes(): number {
    return this.audios().reduce((n, b) => n + b.length, 0);
  }

  audios(): Buffer[] {
    return this.received.filter((r): r is Extract<Received, { kind: 'audio' }> => r.kind === 'audio').map((r) => r.data);
  }

  /** Resolves when `pred` holds over what was received (checked on every arrival). */
  async until<T>(pred: () => T | undefined | false, ms = 5000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = pred();
      if (v) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${this.received.map((r) => (r.kind === 'text' ? r.type : `audio(${r.data.length})`)).join(',')}`);
      // Woken by every arrival, and every 20 ms for conditions on the fakes.
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 20));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  waitFor(type: string, ms = 5000) {
    return this.until(() => this.texts(type)[0], ms, type);
  }

  closed(): Promise<void> {
    if (!this.ws || this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((r) => this.ws!.once('close', () => r()));
  }
}

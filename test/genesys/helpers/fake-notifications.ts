/**
 * Notifications REST + WebSocket on top of FakeGenesys, with the limits and
 * behaviours of reference §3.3–3.4, and levers for the failure modes:
 * socket_closing, hard drops, silent sockets, vanished channels, refused
 * upgrades.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Duplex } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import type { FakeGenesys } from './fake-genesys.js';

export interface FakeChannel {
  id: string;
  topics: Set<string>;
  socket: WebSocket | undefined;
  /** Sockets ever connected to this channel. */
  connections: number;
  expiresAt: number;
}

const DAY = 86_400_000;

export class FakeNotifications {
  readonly channels = new Map<string, FakeChannel>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private created = 0;
  pings = 0;
  /** Channels whose sockets do not answer pings. */
  readonly silent = new Set<string>();
  /** Refuse the next N socket upgrades with 503. */
  failUpgrades = 0;
  /** Topics answered `Rejected` (missing permissions), as with ignoreErrors=true. */
  readonly rejectTopics = new Set<string>();
  /** Every frame sent, per event id (eventBody.id), to count duplicates sent. */
  readonly sends = new Map<string, number>();

  constructor(private readonly fake: FakeGenesys) {
    this.routes();
    fake.app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  /** Channels that currently exist, in creation order. */
  get list(): FakeChannel[] {
    return [...this.channels.values()];
  }

  get connected(): FakeChannel[] {
    return this.list.filter((c) => c.socket?.readyState === WebSocket.OPEN);
  }

  /** Sends an event to every connected channel subscribed to `topic`; returns how many sockets got it. */
  publish(topicName: string, eventBody: { id: string } & Record<string, unknown>): number {
    let n = 0;
    // One event, one correlation id, whichever channels carry it (as the emulator does).
    const frame = JSON.stringify({ topicName, version: '2', eventBody, metadata: { CorrelationId: randomUUID() } });
    for (const c of this.channels.values()) {
      if (!c.topics.has(topicName) || c.socket?.readyState !== WebSocket.OPEN) continue;
      c.socket.send(frame);
      n++;
    }
    this.sends.set(eventBody.id, (this.sends.get(eventBody.id) ?? 0) + n);
    return n;
  }

  socketClosing(channelId: string): void {
    this.send(channelId, { topicName: 'v2.system.socket_closing', eventBody: { message: 'Socket is closing for maintenance', channelId } });
  }

  heartbeat(channelId: string): void {
    this.send(channelId, { topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } });
  }

  /** Graceful close from the server (what follows socket_closing). Resolves when the client has acknowledged. */
  async closeSocket(channelId: string): Promise<void> {
    const ws = this.channels.get(channelId)?.socket;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const closed = new Promise<void>((r) => ws.once('close', () => r()));
    ws.close(1001, 'going away');
    await closed;
  }

  /** Hard drop: the TCP connection dies without a close frame. */
  drop(channelId: string): void {
    this.channels.get(channelId)?.socket?.terminate();
  }

  /** The channel disappears (expired, evicted). `keepSocket`: the socket stays up, like a half-dead one. */
  forget(channelId: string, opts: { keepSocket?: boolean } = {}): void {
    const c = this.channels.get(channelId);
    this.channels.delete(channelId);
    if (!opts.keepSocket) c?.socket?.terminate();
  }

  private send(channelId: string, frame: unknown): void {
    const ws = this.channels.get(channelId)?.socket;
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }

  private routes(): void {
    const f = this.fake;
    const id = (req: { params: unknown }) => String((req.params as Record<string, string>)['*']).split('/')[2] ?? '';
    const channel = (req: { params: unknown }) => this.channels.get(id(req));
    const entities = (c: FakeChannel) => ({
      entities: [...c.topics].map((t) =>
        this.rejectTopics.has(t) ? { id: t, state: 'Rejected', rejectionReason: 'missing permission', missingPermissions: ['conversation:call:view'] } : { id: t, state: 'Permitted' },
      ),
    });
    f.on('POST', '/api/v2/notifications/channels', () => this.create());
    f.on('GET', '/api/v2/notifications/channels', () => ({ entities: this.list.map((c) => this.view(c)) }));
    f.on('HEAD', '/api/v2/notifications/channels/:id', (req, reply) => reply.code(channel(req) ? 200 : 404).send());
    f.on('GET', '/api/v2/notifications/channels/:id/subscriptions', (req, reply) => {
      const c = channel(req);
      return c ? entities(c) : reply.code(404).send({ code: 'not.found', status: 404 });
    });
    const subscribe = (replace: boolean) => (req: { params: unknown; body: unknown }, reply: FastifyReply) => {
      const c = channel(req);
      if (!c) return reply.code(404).send({ message: 'The requested resource was not found.', code: 'not.found', status: 404 });
      const next = new Set([...(replace ? [] : c.topics), ...(req.body as { id: string }[]).map((t) => t.id)]);
      if (next.size > 1000) return reply.code(400).send({ message: 'Max topics per channel is 1000', code: 'bad.request', status: 400 });
      c.topics = new Set([...next].filter((t) => !this.rejectTopics.has(t)));
      c.expiresAt = this.fake.clock.now() + DAY;
      return entities({ ...c, topics: next });
    };
    f.on('PUT', '/api/v2/notifications/channels/:id/subscriptions', subscribe(true));
    f.on('POST', '/api/v2/notifications/channels/:id/subscriptions', subscribe(false));
    f.on('DELETE', '/api/v2/notifications/channels/:id/subscriptions', (req, reply) => {
      const c = channel(req);
      if (c) c.topics = new Set();
      return reply.code(204).send();
    });
  }

  private create() {
    if (this.channels.size >= 20) {
      // Reference §3.3: a 21st channel evicts the least recently used, unconnected first.
      const victim = this.list.find((c) => !c.socket || c.socket.readyState !== WebSocket.OPEN) ?? this.list[0];
      if (victim) this.forget(victim.id);
    }
    const c: FakeChannel = { id: `streaming-${++this.created}`, topics: new Set(), socket: undefined, connections: 0, expiresAt: this.fake.clock.now() + DAY };
    this.channels.set(c.id, c);
    return this.view(c);
  }

  private view(c: FakeChannel) {
    return { id: c.id, connectUri: `${this.fake.url.replace('http', 'ws')}/channels/${c.id}`, expires: new Date(c.expiresAt).toISOString() };
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const c = this.channels.get(req.url?.split('/')[2] ?? '');
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      this.fake.notify();
    };
    if (this.failUpgrades > 0) {
      this.failUpgrades--;
      return refuse('503 Service Unavailable');
    }
    if (!c) return refuse('404 Not Found');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // Reference §3.3: a second socket on a channel disconnects the first.
      c.socket?.close(1000, 'replaced');
      c.socket = ws;
      c.connections++;
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { message?: string };
        if (msg.message !== 'ping') return;
        this.pings++;
        if (!this.silent.has(c.id)) ws.send(JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'pong' } }));
        this.fake.notify();
      });
      ws.on('close', () => this.fake.notify());
      this.fake.notify();
    });
  }
}

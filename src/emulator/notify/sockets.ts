/**
 * The notifications WebSocket (Genesys Cloud docs, "Notification service: WebSocket"): one socket per channel (a
 * second connection kicks the first), `channel.metadata` heartbeats on the
 * virtual clock, `{"message":"ping"}` answered with a pong, and the control
 * triggers: `v2.system.socket_closing` then close, hard drop (no close frame),
 * and closing when a channel expires or is evicted.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import type { Rng } from '../core/rng.js';
import type { Scheduler, Timer } from '../core/scheduler.js';
import type { EventLog } from '../log/event-log.js';
import type { Channel, ChannelRegistry } from './channels.js';

interface Live {
  ws: WebSocket;
  heartbeat?: Timer;
}

export interface SocketDeps {
  channels: ChannelRegistry;
  scheduler: Scheduler;
  now: () => number;
  heartbeatMs: () => number;
  log: EventLog;
  rng: Rng;
}

export const heartbeatFrame = JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } });
const pongFrame = JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'pong' } });

export class NotificationSockets {
  // Clients only send small pings and subscriptions here.
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false, maxPayload: 64 * 1024 });
  private readonly live = new Map<string, Live>();

  constructor(private readonly deps: SocketDeps) {}

  /** Upgrades `/r/{env}/streaming/channels/{id}`; unknown channels get HTTP 404. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, env: string, channelId: string): void {
    const ch = this.deps.channels.get(channelId);
    if (!ch || ch.env !== env) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ch, ws));
  }

  isConnected(channelId: string): boolean {
    return this.live.has(channelId);
  }

  send(channelId: string, frame: string): boolean {
    const l = this.live.get(channelId);
    if (!l || l.ws.readyState !== WebSocket.OPEN) return false;
    l.ws.send(frame);
    return true;
  }

  /** Announces maintenance, then closes the socket `closeAfterMs` (virtual) later. */
  socketClosing(ch: Channel, closeAfterMs: number): boolean {
    const l = this.live.get(ch.id);
    if (!l) return false;
    const body = { channelId: ch.id, systemTopicType: 'socket_closing', correlationId: this.deps.rng.uuid(), organizationId: ch.orgId, oauthClientId: ch.clientId, reason: 'maintenance', message: 'The socket will close shortly; open a new one.' };
    l.ws.send(JSON.stringify({ topicName: 'v2.system.socket_closing', version: '2', eventBody: body, metadata: { CorrelationId: body.correlationId } }));
    this.deps.scheduler.after(closeAfterMs, () => {
      if (this.live.get(ch.id) === l) l.ws.close(1001, 'socket closing');
    });
    return true;
  }

  /** Kills the TCP connection without a close frame. */
  drop(channelId: string): boolean {
    const l = this.live.get(channelId);
    if (!l) return false;
    this.detach(channelId, l);
    l.ws.terminate();
    return true;
  }

  close(channelId: string, reason: string): void {
    const l = this.live.get(channelId);
    if (!l) return;
    this.detach(channelId, l);
    l.ws.close(1000, reason);
  }

  closeAll(): void {
    for (const [id, l] of this.live) {
      this.detach(id, l);
      l.ws.terminate();
    }
    this.wss.close();
  }

  private attach(ch: Channel, ws: WebSocket): void {
    const previous = this.live.get(ch.id);
    if (previous) {
      this.detach(ch.id, previous);
      previous.ws.close(1000, 'replaced by a new connection');
      this.deps.log.happening(new Date(this.deps.now()).toISOString(), 'channel.kicked', { channelId: ch.id });
    }
    const l: Live = { ws };
    this.live.set(ch.id, l);
    this.deps.channels.setConnected(ch, true, this.deps.now());
    this.scheduleHeartbeat(ch.id, l);
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onText(l, String(data));
    });
    ws.on('close', () => this.detach(ch.id, l));
    ws.on('error', () => this.detach(ch.id, l));
  }

  private detach(channelId: string, l: Live): void {
    l.heartbeat?.cancel();
    if (this.live.get(channelId) !== l) return;
    this.live.delete(channelId);
    const ch = this.deps.channels.get(channelId);
    if (ch) this.deps.channels.setConnected(ch, false, this.deps.now());
  }

  private scheduleHeartbeat(channelId: string, l: Live): void {
    l.heartbeat = this.deps.scheduler.after(this.deps.heartbeatMs(), () => {
      if (this.live.get(channelId) !== l) return;
      if (l.ws.readyState === WebSocket.OPEN) l.ws.send(heartbeatFrame);
      this.scheduleHeartbeat(channelId, l);
    });
  }

  private onText(l: Live, text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg && typeof msg === 'object' && 'message' in msg && msg.message === 'ping') l.ws.send(pongFrame);
  }
}

/**
 * Bounds what anyone on the internet can hold open on the public port: every
 * connection counts as unauthenticated from its first byte until the AudioHook
 * endpoint accepts its credentials, and unauthenticated connections are capped
 * per source address and in total. Slow headers, idle sockets and rejected
 * WebSockets all hold such a slot, so none of them can crowd out new sessions.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Counter, type Registry } from '../platform/metrics/index.js';

export interface GuardLimits {
  maxConnections: number;
  maxUnauthenticated: number;
  maxUnauthenticatedPerAddress: number;
}

export type RefusalReason = 'max-connections' | 'unauthenticated-total' | 'unauthenticated-per-address';

export class ConnectionGuard {
  private readonly pending = new Map<Duplex, string>();
  private readonly perAddress = new Map<string, number>();
  private readonly refused: Counter<'reason'>;

  constructor(private readonly limits: GuardLimits, registry: Registry) {
    this.refused = new Counter({ name: 'hookline_http_connections_refused_total', help: 'Connections to the public port refused by a connection bound', labelNames: ['reason'], registers: [registry] });
  }

  /** Applies the bounds to a server; call before it listens. */
  attach(server: Server): void {
    server.maxConnections = this.limits.maxConnections;
    server.on('drop', () => this.refused.inc({ reason: 'max-connections' }));
    server.on('connection', (socket: Socket) => this.onConnection(socket));
  }

  /** The socket carries an authenticated session now: it no longer counts against the bounds. */
  authenticated(socket: Duplex): void {
    this.release(socket);
  }

  get unauthenticated(): number {
    return this.pending.size;
  }

  private onConnection(socket: Socket): void {
    const address = socket.remoteAddress ?? 'unknown';
    const reason = this.refusal(address);
    if (reason) {
      this.refused.inc({ reason });
      socket.destroy();
      return;
    }
    this.pending.set(socket, address);
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    socket.once('close', () => this.release(socket));
  }

  private refusal(address: string): RefusalReason | undefined {
    if (this.pending.size >= this.limits.maxUnauthenticated) return 'unauthenticated-total';
    if ((this.perAddress.get(address) ?? 0) >= this.limits.maxUnauthenticatedPerAddress) return 'unauthenticated-per-address';
    return undefined;
  }

  private release(socket: Duplex): void {
    const address = this.pending.get(socket);
    if (address === undefined) return;
    this.pending.delete(socket);
    const n = (this.perAddress.get(address) ?? 1) - 1;
    if (n > 0) this.perAddress.set(address, n);
    else this.perAddress.delete(address);
  }
}

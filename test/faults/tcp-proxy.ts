/**
 * A loopback TCP proxy the fault suite can cut: what a backing service's
 * restart looks like to its clients (every open connection reset, new ones
 * refused for a while), without touching the shared service itself. With
 * several upstreams it is also the suite's load balancer: new connections go
 * round-robin, skipping an upstream that refuses.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface Upstream {
  host: string;
  port: number;
}

export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private next = 0;
  port = 0;
  /** Connections accepted since start (a cheap "is anyone using it" check). */
  accepted = 0;

  constructor(
    readonly name: string,
    private upstreams: Upstream[],
  ) {}

  /** Replaces the upstreams (a replica restarted on a new port). */
  setUpstreams(upstreams: Upstream[]): void {
    this.upstreams = upstreams;
  }

  async start(): Promise<void> {
    await this.listen(0);
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Resets every open connection and refuses new ones until restore(). */
  async cut(): Promise<void> {
    await this.refuse();
    this.reset();
  }

  /** Stops accepting (new connections are refused) but leaves open ones alone. */
  async refuse(): Promise<void> {
    // close() stops accepting at once; its callback would wait for every open
    // connection to end, which is not what a cut waits for.
    this.server?.close();
    this.server = undefined;
  }

  /** Resets every open connection (RST, no FIN: like a process that died). */
  reset(): void {
    for (const sock of this.sockets) sock.resetAndDestroy();
    this.sockets.clear();
  }

  /** Accepts again, on the same port. */
  async restore(): Promise<void> {
    if (!this.server) await this.listen(this.port);
  }

  async stop(): Promise<void> {
    await this.cut();
  }

  private listen(port: number): Promise<void> {
    const server = createServer((client) => this.accept(client));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.server = server;
        this.port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  private accept(client: Socket): void {
    this.accepted++;
    this.track(client);
    client.pause();
    this.dial(client, this.upstreams.length);
  }

  /** Tries the upstreams in turn from the round-robin position; resets the client when none answers. */
  private dial(client: Socket, triesLeft: number): void {
    if (triesLeft <= 0 || this.upstreams.length === 0 || client.destroyed) {
      client.resetAndDestroy();
      return;
    }
    const target = this.upstreams[this.next++ % this.upstreams.length] as Upstream;
    const upstream = connect(target.port, target.host);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      this.track(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      if (!connected) this.dial(client, triesLeft - 1);
      else client.resetAndDestroy();
    });
    client.on('error', () => upstream.resetAndDestroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => {
      if (connected) client.destroy();
    });
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => undefined);
  }
}

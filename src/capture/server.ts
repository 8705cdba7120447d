/**
 * The AudioHook endpoint: takes WebSocket upgrades on the configured path,
 * authenticates them, and runs one AudioHookConnection per socket.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer } from 'ws';
import type { Logger } from '../platform/logging/index.js';
import type { Registry } from '../platform/metrics/index.js';
import { NonceCache } from '../protocol/signature/index.js';
import { MAX_BINARY_PAYLOAD, type MediaPolicy } from '../protocol/audiohook/index.js';
import type { Sink } from './sinks/port.js';
import { admitAll, type Admission } from './admission.js';
import type { AuthorityOptions } from './authenticate.js';
import type { AudiohookConfig } from './config.js';
import { AudioHookConnection } from './connection.js';
import type { CredentialLookup } from './credentials.js';
import { CaptureMetrics } from './metrics.js';
import { UpgradeAuth, type Authenticated, type SharedReplayCache } from './upgrade-auth.js';

export type { SharedReplayCache } from './upgrade-auth.js';

export interface CaptureDeps {
  config: { server: AuthorityOptions; audiohook: AudiohookConfig };
  log: Logger;
  registry: Registry;
  credentials: CredentialLookup;
  sinks?: readonly Sink[];
  admission?: Admission;
  /** Wall clock in ms (injectable for signature tests). */
  now?: () => number;
  /** Told when an upgrade authenticated, so the socket stops counting as unauthenticated. */
  onAuthenticated?: (socket: Duplex) => void;
  replay?: SharedReplayCache;
}

export class CaptureServer {
  readonly metrics: CaptureMetrics;
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<AudioHookConnection>();
  private readonly auth: UpgradeAuth;
  private readonly flushes = new Set<Promise<unknown>>();
  private readonly nonces: NonceCache;
  private readonly mediaPolicy: MediaPolicy;
  private readonly sinks: readonly Sink[];
  private readonly admission: Admission;
  private draining = false;

  constructor(private readonly deps: CaptureDeps) {
    const ah = deps.config.audiohook;
    this.metrics = new CaptureMetrics(deps.registry, () => this.stateCounts());
    this.nonces = new NonceCache(ah.signature.nonceCacheSize);
    this.mediaPolicy = ah.media;
    this.sinks = deps.sinks ?? [];
    this.admission = deps.admission ?? admitAll;
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      maxPayload: MAX_BINARY_PAYLOAD,
      clientTracking: false,
    });
    this.auth = new UpgradeAuth({
      config: deps.config,
      credentials: deps.credentials,
      nonces: this.nonces,
      wss: this.wss,
      log: deps.log,
      failureMessage: 'AudioHook authentication failed',
      onFailure: (reason) => this.metrics.signatureFailures.inc({ reason }),
      onReplayCheckError: () => this.metrics.replayCheckErrors.inc(),
      replay: deps.replay,
      now: deps.now,
    });
  }

  get sessionCount(): number {
    return this.connections.size;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Handles an upgrade if it is for the AudioHook path; returns false otherwise. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (path !== this.deps.config.audiohook.path) return false;
    if (this.draining) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    this.auth.handle(req, socket, head, (auth) => this.accept(auth, req, socket, head));
    return true;
  }

  private accept(auth: Authenticated, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.deps.onAuthenticated?.(socket);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.track(new AudioHookConnection({ ws, sessionId: auth.sessionId, correlationId: auth.correlationId, orgId: auth.orgId }, this.connectionDeps())));
  }

  /**
   * Stops taking sessions, lets live ones finish for up to `timeoutMs`, then
   * asks the rest to end with `disconnect completed` (Genesys does not support
   * reconnect, so there is no hand-over) and waits for them to close.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    const deadline = Date.now() + timeoutMs;
    while (this.connections.size > 0 && Date.now() < deadline) await sleep(100);
    for (const c of this.connections) c.disconnect('completed', 'Server shutting down');
    const hardDeadline = Date.now() + this.deps.config.audiohook.closeGraceMs;
    while (this.connections.size > 0 && Date.now() < hardDeadline) await sleep(50);
  }

  /** Waits (up to `timeoutMs`) for sinks still writing out ended sessions. */
  async flushed(timeoutMs: number): Promise<void> {
    if (this.flushes.size === 0) return;
    // The timer is cleared once the flushes settle: left pending it kept a
    // stopped process (the demo) alive for the whole timeout after its work was done.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
    try {
      await Promise.race([Promise.allSettled([...this.flushes]), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.auth.close();
    this.wss.close();
    // After flushed(): a sink's own resources (the recorder's disk thread) go last.
    for (const sink of this.sinks) void sink.close?.().catch((err: unknown) => this.deps.log.warn({ err: String(err), sink: sink.name }, 'sink close failed'));
  }

  private track(conn: AudioHookConnection): void {
    this.connections.add(conn);
  }

  private connectionDeps() {
    return {
      settings: this.deps.config.audiohook,
      mediaPolicy: this.mediaPolicy,
      log: this.deps.log,
      metrics: this.metrics,
      sinks: this.sinks,
      admission: this.admission,
      onEnd: (c: AudioHookConnection) => this.connections.delete(c),
      onFlush: (p: Promise<unknown>) => {
        this.flushes.add(p);
        void p.finally(() => this.flushes.delete(p));
      },
    };
  }

  private stateCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const c of this.connections) {
      if (c.isProbe) continue;
      const s = c.core.state;
      counts[s] = (counts[s] ?? 0) + 1;
    }
    return counts;
  }
}


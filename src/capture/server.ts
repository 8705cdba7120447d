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
import { errorMessage } from '../platform/util/error-message.js';
import { NonceCache } from '../protocol/signature/index.js';
import { MAX_BINARY_PAYLOAD, NIL_UUID, type MediaPolicy } from '../protocol/audiohook/index.js';
import type { Sink } from './sinks/port.js';
import { admitAll, type Admission } from './admission.js';
import { authenticate, type AuthorityOptions, type AuthResult } from './authenticate.js';
import type { AudiohookConfig } from './config.js';
import { AudioHookConnection } from './connection.js';
import type { CredentialLookup } from './credentials.js';
import { CaptureMetrics } from './metrics.js';
import { LogBudget } from './log-budget.js';
import { RejectedConnection } from './rejected.js';

/** A replay cache shared by replicas: true when `key` was not yet remembered (and now is, for `ttlMs`). */
export interface SharedReplayCache {
  remember(key: string, ttlMs: number): Promise<boolean>;
}

/** Longest the shared replay check may hold an upgrade; beyond it the local check stands alone. */
const REPLAY_CHECK_TIMEOUT_MS = 1000;

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
  private readonly rejected = new Set<RejectedConnection>();
  /** Failed upgrades are logged at most this often: a flood of them must not flood the log. */
  private readonly failureLogs = new LogBudget(20, 10_000);
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
    const started = Date.now();
    if (this.draining) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    const now = this.deps.now ?? Date.now;
    const nowMs = now();
    const auth = authenticate(req, this.deps.config, this.deps.credentials, this.nonces, nowMs / 1000);
    const replay = this.deps.replay;
    if (auth.ok && auth.replay && replay) {
      const ttlMs = Math.max(1, Math.ceil(auth.replay.untilSeconds * 1000 - nowMs));
      void this.sharedReplayCheck(replay, auth.replay.key, ttlMs).then((fresh) => {
        if (fresh) this.accept(auth, req, socket, head);
        else this.reject({ ...auth, ok: false, reason: 'replayed-nonce' }, req, socket, head, started);
      });
      return true;
    }
    if (auth.ok) this.accept(auth, req, socket, head);
    else this.reject(auth, req, socket, head, started);
    return true;
  }

  private accept(auth: Extract<AuthResult, { ok: true }>, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.deps.onAuthenticated?.(socket);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.track(new AudioHookConnection({ ws, sessionId: auth.sessionId, correlationId: auth.correlationId, orgId: auth.orgId }, this.connectionDeps())));
  }

  /** True unless the shared cache says the nonce was used; an unreachable cache leaves the local check to stand alone. */
  private async sharedReplayCheck(replay: SharedReplayCache, key: string, ttlMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), REPLAY_CHECK_TIMEOUT_MS);
    });
    try {
      return await Promise.race([replay.remember(key, ttlMs), timeout]);
    } catch (err) {
      this.metrics.replayCheckErrors.inc();
      this.deps.log.warn({ err: errorMessage(err) }, 'shared replay cache unavailable; only this replica checked the nonce');
      return true;
    } finally {
      clearTimeout(timer);
    }
  }

  private reject(auth: Extract<AuthResult, { ok: false }>, req: IncomingMessage, socket: Duplex, head: Buffer, started: number): void {
    this.metrics.signatureFailures.inc({ reason: auth.reason });
    if (this.failureLogs.take()) {
      const suppressed = this.failureLogs.drainSuppressed();
      this.deps.log.warn({ reason: auth.reason, sessionId: auth.sessionId, orgId: auth.orgId, remote: req.socket.remoteAddress, ...(suppressed ? { suppressed } : {}) }, 'AudioHook authentication failed');
    }
    // Every failure answers no sooner than failureDelayMs after it started: no timing oracle.
    const delay = Math.max(0, this.deps.config.audiohook.signature.failureDelayMs - (Date.now() - started));
    if (this.deps.config.audiohook.authFailure === 'http') {
      setTimeout(() => socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'), delay);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new RejectedConnection({
        ws,
        sessionId: auth.sessionId || NIL_UUID,
        rejectAfterMs: delay,
        graceMs: this.deps.config.audiohook.unauthenticatedGraceMs,
        onEnd: (c) => this.rejected.delete(c),
      });
      this.rejected.add(conn);
    });
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
    for (const r of this.rejected) r.terminate();
    this.wss.close();
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


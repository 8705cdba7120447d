/**
 * Authentication of a WebSocket upgrade, shared by the AudioHook and the
 * AudioConnector endpoints: API key + HTTP message signature (authenticate.ts),
 * the replay check shared by replicas, and one way of refusing — after the
 * uniform failure delay, a `disconnect unauthorized` (RejectedConnection) or
 * an HTTP 401, as `audiohook.authFailure` says. Whatever made it fail, the
 * client sees the same answer at the same time: no oracle.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import type { Logger } from '../platform/logging/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import type { NonceCache } from '../protocol/signature/index.js';
import { NIL_UUID } from '../protocol/audiohook/index.js';
import { authenticate, type AuthFailure, type AuthorityOptions, type AuthResult } from './authenticate.js';
import type { AudiohookConfig } from './config.js';
import type { CredentialLookup } from './credentials.js';
import { LogBudget } from './log-budget.js';
import { RejectedConnection } from './rejected.js';

/** A replay cache shared by replicas: true when `key` was not yet remembered (and now is, for `ttlMs`). */
export interface SharedReplayCache {
  remember(key: string, ttlMs: number): Promise<boolean>;
}

export type Authenticated = Extract<AuthResult, { ok: true }>;

/** Longest the shared replay check may hold an upgrade; beyond it the local check stands alone. */
const REPLAY_CHECK_TIMEOUT_MS = 1000;

export interface UpgradeAuthOptions<R extends string> {
  config: { server: AuthorityOptions; audiohook: AudiohookConfig };
  credentials: CredentialLookup;
  nonces: NonceCache;
  wss: WebSocketServer;
  log: Logger;
  /** The log line of a failure (its reason is a field, never told to the client). */
  failureMessage: string;
  onFailure: (reason: AuthFailure | R) => void;
  onReplayCheckError: () => void;
  replay?: SharedReplayCache | undefined;
  /** Wall clock in ms (injectable for signature tests). */
  now?: (() => number) | undefined;
}

export class UpgradeAuth<R extends string = never> {
  private readonly rejected = new Set<RejectedConnection>();
  /** Failed upgrades are logged at most this often: a flood of them must not flood the log. */
  private readonly failureLogs = new LogBudget(20, 10_000);

  constructor(private readonly o: UpgradeAuthOptions<R>) {}

  /**
   * Authenticates; `accept` runs for a good upgrade unless `check` (a further, local condition such as
   * "the connector belongs to this tenant") names a failure, which is refused exactly like a bad key.
   */
  handle(req: IncomingMessage, socket: Duplex, head: Buffer, accept: (auth: Authenticated) => void, check?: (auth: Authenticated) => R | undefined): void {
    const started = Date.now();
    const nowMs = (this.o.now ?? Date.now)();
    const auth = authenticate(req, this.o.config, this.o.credentials, this.o.nonces, nowMs / 1000);
    const finish = (a: AuthResult): void => {
      const failure = a.ok ? check?.(a) : undefined;
      if (a.ok && failure === undefined) accept(a);
      else if (a.ok) this.reject({ sessionId: a.sessionId, orgId: a.orgId, reason: failure! }, req, socket, head, started);
      else this.reject(a, req, socket, head, started);
    };
    const replay = this.o.replay;
    if (auth.ok && auth.replay && replay) {
      const ttlMs = Math.max(1, Math.ceil(auth.replay.untilSeconds * 1000 - nowMs));
      void this.sharedReplayCheck(replay, auth.replay.key, ttlMs).then((fresh) => finish(fresh ? auth : { ...auth, ok: false, reason: 'replayed-nonce' }));
      return;
    }
    finish(auth);
  }

  /** Cuts off the sockets still being refused. */
  close(): void {
    for (const r of this.rejected) r.terminate();
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
      this.o.onReplayCheckError();
      this.o.log.warn({ err: errorMessage(err) }, 'shared replay cache unavailable; only this replica checked the nonce');
      return true;
    } finally {
      clearTimeout(timer);
    }
  }

  private reject(auth: { reason: AuthFailure | R; sessionId: string; orgId: string }, req: IncomingMessage, socket: Duplex, head: Buffer, started: number): void {
    this.o.onFailure(auth.reason);
    if (this.failureLogs.take()) {
      const suppressed = this.failureLogs.drainSuppressed();
      this.o.log.warn({ reason: auth.reason, sessionId: auth.sessionId, orgId: auth.orgId, remote: req.socket.remoteAddress, ...(suppressed ? { suppressed } : {}) }, this.o.failureMessage);
    }
    // Every failure answers no sooner than failureDelayMs after it started: no timing oracle.
    const ah = this.o.config.audiohook;
    const delay = Math.max(0, ah.signature.failureDelayMs - (Date.now() - started));
    if (ah.authFailure === 'http') {
      setTimeout(() => socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'), delay);
      return;
    }
    this.o.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new RejectedConnection({
        ws,
        sessionId: auth.sessionId || NIL_UUID,
        rejectAfterMs: delay,
        graceMs: ah.unauthenticatedGraceMs,
        onEnd: (c) => this.rejected.delete(c),
      });
      this.rejected.add(conn);
    });
  }
}

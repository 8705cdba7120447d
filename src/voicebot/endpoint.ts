/**
 * The AudioConnector endpoint: WebSocket upgrades on
 * `/api/v1/audioconnector/{connectorId}` (Genesys appends the Connector ID of
 * Architect's Call Audio Connector action to the integration's base URI).
 * Authenticated exactly like AudioHook (src/capture UpgradeAuth); then the
 * connector must be one of the authenticated tenant's, or the upgrade is
 * refused the same way as a bad key, so nobody learns which ids exist.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer } from 'ws';
import { LogBudget, UpgradeAuth, type Authenticated, type AuthorityOptions, type CredentialLookup, type SharedReplayCache, type AudiohookConfig } from '../capture/index.js';
import type { Logger } from '../platform/logging/index.js';
import type { Registry } from '../platform/metrics/index.js';
import { MAX_BINARY_PAYLOAD } from '../protocol/audiohook/index.js';
import { NonceCache } from '../protocol/signature/index.js';
import { connectorSchema, type ConnectorConfig, type Tenant } from '../tenants/index.js';
import { EngineCache, type VoicebotFactories } from './engines.js';
import { VoicebotMetrics } from './metrics.js';
import { VoicebotSession } from './session.js';
import { SessionLimits, type SessionLimitSettings } from './session-limits.js';

export const AUDIOCONNECTOR_PATH_PREFIX = '/api/v1/audioconnector/';

/**
 * Settings for a session dialled at the base URI itself: Genesys probes an integration when it is saved or
 * activated, before any Architect action names a Connector ID, so the base URI must pass the probe; a call there
 * is refused in its open transaction. Only defaults: no bot is ever started for it.
 */
const PROBE_ONLY = connectorSchema.parse({ id: 'probe', bot: 'probe' });

export interface VoicebotEndpointDeps {
  /** The AudioHook sections: the same signature policy, failure mode and limits apply. */
  config: { server: AuthorityOptions; audiohook: AudiohookConfig };
  log: Logger;
  registry: Registry;
  credentials: CredentialLookup;
  tenant: (orgId: string) => Tenant | undefined;
  /** Bots and engines; absent: sessions end with `disconnect error 'voice bot engines not available'`. */
  factories?: VoicebotFactories | undefined;
  pathPrefix?: string;
  now?: () => number;
  onAuthenticated?: (socket: Duplex) => void;
  replay?: SharedReplayCache | undefined;
  /** Calls at once on this replica and per tenant (the `voicebot` section); default: its defaults. */
  limits?: SessionLimitSettings | undefined;
}

const DEFAULT_LIMITS: SessionLimitSettings = { maxSessions: 100, maxSessionsPerTenant: 25 };

type Refusal = 'unknown-connector';

export class VoicebotEndpoint {
  readonly metrics: VoicebotMetrics;
  private readonly wss: WebSocketServer;
  private readonly auth: UpgradeAuth<Refusal>;
  private readonly sessions = new Set<VoicebotSession>();
  private readonly engines: EngineCache | undefined;
  private readonly prefix: string;
  private readonly limits: SessionLimits;
  /** Refusals at the session bounds are logged at most this often: a client opening calls in a loop must not flood the log. */
  private readonly refusalLogs = new LogBudget(20, 10_000);
  private draining = false;

  constructor(private readonly deps: VoicebotEndpointDeps) {
    this.prefix = deps.pathPrefix ?? AUDIOCONNECTOR_PATH_PREFIX;
    this.metrics = new VoicebotMetrics(deps.registry, () => this.stateCounts());
    this.engines = deps.factories ? new EngineCache(deps.factories) : undefined;
    this.limits = new SessionLimits(deps.limits ?? DEFAULT_LIMITS);
    this.wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_BINARY_PAYLOAD, clientTracking: false });
    this.auth = new UpgradeAuth<Refusal>({
      config: deps.config,
      credentials: deps.credentials,
      nonces: new NonceCache(deps.config.audiohook.signature.nonceCacheSize),
      wss: this.wss,
      log: deps.log,
      failureMessage: 'AudioConnector authentication failed',
      onFailure: (reason) => this.metrics.authFailures.inc({ reason }),
      onReplayCheckError: () => this.metrics.replayCheckErrors.inc(),
      replay: deps.replay,
      now: deps.now,
    });
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Handles an upgrade under the AudioConnector prefix; returns false for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const base = this.prefix.replace(/\/$/, '');
    if (!path.startsWith(this.prefix) && path !== base) return false;
    if (this.draining) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    const rest = path.slice(this.prefix.length);
    const probeOnly = rest === '';
    const connectorId = connectorIdOf(rest);
    let connector: ConnectorConfig | undefined;
    this.auth.handle(
      req,
      socket,
      head,
      (auth) => this.accept(auth, connector!, probeOnly, req, socket, head),
      (auth) => {
        connector = probeOnly ? PROBE_ONLY : this.connectorFor(auth.orgId, connectorId);
        return connector ? undefined : 'unknown-connector';
      },
    );
    return true;
  }

  /**
   * Stops taking sessions, lets live ones finish for up to `timeoutMs`, then ends the rest with a hand-over
   * (`disconnect completed`, action=handover, reason=shutdown) and waits for them to close.
   */
  async drain(timeoutMs: number, closeGraceMs = this.deps.config.audiohook.closeGraceMs): Promise<void> {
    this.draining = true;
    const deadline = Date.now() + timeoutMs;
    while (this.sessions.size > 0 && Date.now() < deadline) await sleep(100);
    for (const s of this.sessions) s.disconnect('shutdown');
    const hard = Date.now() + closeGraceMs;
    while (this.sessions.size > 0 && Date.now() < hard) await sleep(50);
  }

  close(): void {
    this.auth.close();
    this.wss.close();
  }

  private connectorFor(orgId: string, id: string | undefined): ConnectorConfig | undefined {
    if (id === undefined) return undefined;
    const want = id.toLowerCase();
    return this.deps.tenant(orgId)?.voicebot?.connectors.find((c) => c.id.toLowerCase() === want);
  }

  private accept(auth: Authenticated, connector: ConnectorConfig, probeOnly: boolean, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.deps.onAuthenticated?.(socket);
    const bots = this.deps.tenant(auth.orgId)?.voicebot?.bots ?? [];
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new VoicebotSession({
        ws,
        sessionId: auth.sessionId,
        orgId: auth.orgId,
        connector,
        probeOnly,
        bots,
        engines: this.engines,
        limits: this.limits,
        refusalLogs: this.refusalLogs,
        metrics: this.metrics,
        log: this.deps.log,
        settings: { maxSendBufferBytes: this.deps.config.audiohook.maxSendBufferBytes, closeGraceMs: this.deps.config.audiohook.closeGraceMs },
        onEnd: (s) => this.sessions.delete(s),
      });
      this.sessions.add(session);
    });
  }

  private stateCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const s of this.sessions) {
      if (s.isProbe) continue;
      const state = s.core.state;
      counts[state] = (counts[state] ?? 0) + 1;
    }
    return counts;
  }
}

/** The one path segment after the prefix, percent-decoded; anything else (empty, nested, undecodable) is no connector. */
function connectorIdOf(rest: string): string | undefined {
  if (rest === '' || rest.includes('/')) return undefined;
  try {
    return decodeURIComponent(rest);
  } catch {
    return undefined;
  }
}

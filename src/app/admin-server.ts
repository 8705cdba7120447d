/**
 * The admin listener (default 127.0.0.1:9464, `metrics.host`/`metrics.port`),
 * never the public AudioHook port: Prometheus metrics, whose labels name
 * tenants and auth failure reasons, and the read API with its OpenAPI
 * document. It runs when either is enabled (`metrics.enabled`, `api.enabled`).
 *
 * `/metrics` is guarded by `metrics.bearerToken` when set (required beyond
 * loopback); `/api/v1/…` by per-tenant API tokens; `/api/v1/openapi.json`
 * is open (it describes the API, it holds no data). The operator console
 * (`/console/`, `/console/api/…`) when `console.enabled`: its login sessions
 * are accepted by the read API too (src/console/routes.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { registerRoutes, type RouteSpec, type TokenStore } from '../api/index.js';
import { apiSessionAuthenticator, registerAssets, registerConsoleRoutes, type Asset, type ConsoleDeps } from '../console/index.js';
import { registerInstallRoutes, type InstallRouteDeps } from '../install/index.js';
import type { MetricsConfig } from '../platform/config/index.js';
import type { Logger } from '../platform/logging/index.js';
import type { Registry } from '../platform/metrics/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import type { ServerConfig } from './config.js';

export interface AdminServer {
  /** Port it listens on (the configured one, or the one the OS chose for port 0). */
  port: number;
  /** The metrics URL (as the metrics-only listener had). */
  url: string;
  /** http://host:port, for the API. */
  baseUrl: string;
  close(): Promise<void>;
}

export interface AdminOptions {
  metrics: MetricsConfig;
  registry: Registry;
  /** What /metrics answers; default the registry's. A cluster worker answers the sum over all workers (platform/metrics/cluster.ts). */
  metricsText?: (() => Promise<string>) | undefined;
  log: Logger;
  limits: Pick<ServerConfig, 'headersTimeoutMs' | 'requestTimeoutMs'>;
  /** The read API, when enabled. */
  api?: { routes: RouteSpec[]; tokens: TokenStore; openapi: Record<string, unknown> } | undefined;
  /** The operator console, when enabled: its API, its app's files (empty when not built). */
  console?: { deps: Omit<ConsoleDeps, 'loopback'>; assets: Map<string, Asset> } | undefined;
  /** The install wizard (`/install/`, `/api/v1/install/…`), when `install.enabled`; its cookie's Secure flag follows `console.secureCookie`. */
  install?: (Omit<InstallRouteDeps, 'secure'> & { secureCookie: boolean | 'auto' }) | undefined;
}

/** 127.0.0.0/8, ::1 and localhost: a browser reaching these needs no TLS for a cookie to be safe in transit. */
export const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

function authorized(req: FastifyRequest, token: string | undefined): boolean {
  if (token === undefined) return true;
  return timingSafeEqual(digest(req.headers.authorization ?? ''), digest(`Bearer ${token}`));
}

function addMetrics(app: FastifyInstance, o: AdminOptions): void {
  const token = o.metrics.bearerToken;
  app.get('/metrics', async (req, reply) => {
    if (!authorized(req, token)) return reply.code(401).header('www-authenticate', 'Bearer').send();
    try {
      const text = await (o.metricsText ?? (() => o.registry.metrics()))();
      return reply.code(200).header('content-type', o.registry.contentType).send(text);
    } catch (err) {
      o.log.error({ err: errorMessage(err) }, 'metrics collection failed');
      return reply.code(500).send();
    }
  });
}

export async function startAdminServer(o: AdminOptions): Promise<AdminServer> {
  const { headersTimeoutMs, requestTimeoutMs } = o.limits;
  const app = Fastify({
    loggerInstance: o.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // Only GET routes and a small body: nothing here takes uploads.
    bodyLimit: 16 * 1024,
    // A HEAD /metrics was a 404 before; the routes here are what they say.
    exposeHeadRoutes: false,
    serverFactory: (handler: RequestListener) =>
      createServer({ headersTimeout: headersTimeoutMs, requestTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, headersTimeoutMs) }, handler),
  });
  if (o.metrics.enabled) addMetrics(app, o);
  const consoleDeps = o.console ? { ...o.console.deps, loopback: isLoopback(o.metrics.host) } : undefined;
  if (o.console && consoleDeps) {
    registerConsoleRoutes(app, consoleDeps);
    registerAssets(app, o.console.assets);
  }
  if (o.install) {
    const { secureCookie, ...deps } = o.install;
    const loopback = isLoopback(o.metrics.host);
    registerInstallRoutes(app, { ...deps, secure: (req) => secureCookie === true || (secureCookie === 'auto' && (req.protocol === 'https' || !loopback)) });
  }
  if (o.api) {
    const { openapi } = o.api;
    app.get('/api/v1/openapi.json', async () => openapi);
    registerRoutes(app, o.api.routes, { tokens: o.api.tokens, ...(consoleDeps ? { sessions: apiSessionAuthenticator(consoleDeps) } : {}) });
  }
  await app.listen({ host: o.metrics.host, port: o.metrics.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.metrics.port;
  const host = o.metrics.host.includes(':') ? `[${o.metrics.host}]` : o.metrics.host;
  return {
    port,
    url: `http://${host}:${port}/metrics`,
    baseUrl: `http://${host}:${port}`,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}

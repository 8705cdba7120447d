/**
 * Prometheus metrics on a listener of their own (default 127.0.0.1:9464),
 * never on the public AudioHook port: label values name tenants and auth
 * failure reasons, which no one on the internet should read. When exposed
 * beyond loopback, scrapers must send `Authorization: Bearer <token>`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { MetricsConfig } from '../platform/config/index.js';
import type { Logger } from '../platform/logging/index.js';
import type { Registry } from '../platform/metrics/index.js';
import { errorMessage } from '../platform/util/error-message.js';

export interface MetricsServer {
  /** Port it listens on (the configured one, or the one the OS chose for port 0). */
  port: number;
  url: string;
  close(): Promise<void>;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

function authorized(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const header = req.headers.authorization ?? '';
  return timingSafeEqual(digest(header), digest(`Bearer ${token}`));
}

function handler(registry: Registry, token: string | undefined, log: Logger) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') return void res.writeHead(404).end();
    if (!authorized(req, token)) return void res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => {
        log.error({ err: errorMessage(err) }, 'metrics collection failed');
        res.writeHead(500).end();
      },
    );
  };
}

export async function startMetricsServer(cfg: MetricsConfig, registry: Registry, log: Logger): Promise<MetricsServer> {
  const server: Server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, handler(registry, cfg.bearerToken, log));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, cfg.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
  const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
  return {
    port,
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The public HTTP side of `hookline serve`: health, readiness and the upgrade
 * dispatch for WebSocket endpoints (AudioHook today); serve.ts adds the Genesys
 * Data Action route (token-authenticated, src/api) and the EventBridge endpoint
 * (tracking/eventbridge.ts). Nothing else: metrics and the read API listen
 * elsewhere (admin-server.ts). Its connections
 * are bounded (connection-guard.ts) and slow requests time out.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createServer, type IncomingMessage, type RequestListener } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ServerConfig } from './config.js';
import type { Logger } from '../platform/logging/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import type { ConnectionGuard } from './connection-guard.js';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void> | void;
}

/** A dependency that does not answer in this time is reported as down, not waited for (a probe has its own timeout). */
const READINESS_TIMEOUT_MS = 3000;

async function withTimeout(check: Promise<void> | void, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  try {
    await Promise.race([check, late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface HttpLimits {
  server: Pick<ServerConfig, 'headersTimeoutMs' | 'requestTimeoutMs'>;
  guard: ConnectionGuard;
}

export function createHttp(log: Logger, readiness: ReadinessCheck[], isDraining: () => boolean, limits: HttpLimits): {
  app: FastifyInstance;
  onUpgrade: (h: UpgradeHandler) => void;
} {
  const { headersTimeoutMs, requestTimeoutMs } = limits.server;
  const app: FastifyInstance = Fastify({
    loggerInstance: log.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // Our own server so the timeouts are checked often enough to matter (Node checks every 30 s by default).
    serverFactory: (handler: RequestListener) => {
      const server = createServer(
        { headersTimeout: headersTimeoutMs, requestTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, headersTimeoutMs) },
        handler,
      );
      limits.guard.attach(server);
      return server;
    },
  });
  const handlers: UpgradeHandler[] = [];

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    if (isDraining()) return reply.code(503).send({ status: 'draining' });
    const failed: Record<string, string> = {};
    await Promise.all(
      readiness.map(async (r) => {
        try {
          await withTimeout(r.check(), READINESS_TIMEOUT_MS);
        } catch (err) {
          failed[r.name] = errorMessage(err);
        }
      }),
    );
    if (Object.keys(failed).length > 0) return reply.code(503).send({ status: 'not ready', failed });
    return { status: 'ready' };
  });

  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    for (const h of handlers) if (h(req, socket, head)) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  return { app, onUpgrade: (h) => handlers.push(h) };
}

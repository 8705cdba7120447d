/**
 * The HTTP side of `hookline serve`: health, readiness and metrics, and the
 * upgrade dispatch for WebSocket endpoints (AudioHook today).
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Registry } from '../platform/metrics/index.js';
import type { Logger } from '../platform/logging/index.js';

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

export function createHttp(log: Logger, registry: Registry, readiness: ReadinessCheck[], isDraining: () => boolean): {
  app: FastifyInstance;
  onUpgrade: (h: UpgradeHandler) => void;
} {
  const app: FastifyInstance = Fastify({
    loggerInstance: log.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
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
          failed[r.name] = (err as Error).message;
        }
      }),
    );
    if (Object.keys(failed).length > 0) return reply.code(503).send({ status: 'not ready', failed });
    return { status: 'ready' };
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });

  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    for (const h of handlers) if (h(req, socket, head)) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  return { app, onUpgrade: (h) => handlers.push(h) };
}

/**
 * `hookline serve`: the server, with graceful drain on SIGTERM/SIGINT. With
 * `server.workers` > 1 this process becomes the cluster primary and each of its
 * workers runs this same command (src/app/cluster.ts).
 */
import type { Command } from 'commander';
import type { Config } from '../app/config.js';
import type { ClusterWorker, Server } from '../app/serve.js';
import type { ConfigOrigin } from '../tenants/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import { configFile, configFrom } from './common.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the server (AudioHook endpoint, health, metrics)')
    .option('--port <port>', 'listen port (overrides server.port)', (v) => Number(v))
    .action(async (o: { port?: number }, cmd: Command) => {
      const config = configFrom(cmd, o.port !== undefined ? { 'server.port': o.port } : {});
      const { configOrigin } = await import('../tenants/index.js');
      const origin = configOrigin(configFile(cmd));
      const { workerIndex } = await import('../app/cluster.js');
      const index = workerIndex();
      if (index !== undefined) return serveWorker(config, index);
      if (config.server.workers > 1) return servePrimary(config, origin);
      const { startServer } = await import('../app/serve.js');
      const server = await startServer(config, undefined, { configOrigin: origin });
      onSignals(drainer(server));
    });
}

async function servePrimary(config: Config, origin: ConfigOrigin): Promise<void> {
  const { runPrimary } = await import('../app/cluster.js');
  const { createLogger } = await import('../platform/logging/index.js');
  const log = createLogger({ level: config.logging.level, pretty: config.logging.pretty });
  process.exit(await runPrimary({ config, origin, log }));
}

/** One worker of the cluster: a whole replica, drained when the primary asks or on a signal of its own. */
async function serveWorker(config: Config, index: number): Promise<void> {
  const { leave, onStopRequest, READY } = await import('../app/cluster.js');
  const { processLink } = await import('../platform/state/index.js');
  const { createLogger } = await import('../platform/logging/index.js');
  const { startServer } = await import('../app/serve.js');
  const link = processLink();
  const running: { stop?: (signal: string) => void } = {};
  // Asked to stop while still starting (by the primary or a signal): nothing to drain yet.
  const stop = (signal: string) => (running.stop ? running.stop(signal) : process.exit(0));
  onStopRequest(link, stop);
  onSignals(stop);
  const log = createLogger({ level: config.logging.level, pretty: config.logging.pretty }).child({ worker: index });
  const cluster: ClusterWorker = { index, workers: config.server.workers, link };
  let server: Server;
  try {
    server = await startServer(config, log, { cluster });
  } catch (err) {
    // The IPC channel keeps a worker alive after its action fails: exit, so the primary sees a failed start.
    log.error({ err: errorMessage(err) }, 'worker failed to start');
    process.exit(1);
  }
  // Connections the primary handed us as our listeners closed go back to it before we exit.
  const drain = drainer(server, () => leave(link));
  let asked = false;
  // The primary's request and a signal of our own (Ctrl-C reaches the whole process group) are one stop.
  running.stop = (signal) => {
    if (asked) return;
    asked = true;
    drain(signal);
  };
  link.send(READY);
}

function drainer(server: Server, beforeExit: () => Promise<void> = async () => undefined): (signal: string) => void {
  return (signal) => {
    server.ctx.log.info({ signal, sessions: server.capture.sessionCount }, 'draining');
    server.stop().then(
      () => beforeExit().finally(() => process.exit(0)),
      (err: unknown) => {
        server.ctx.log.error({ err: errorMessage(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
}

/** The first SIGTERM/SIGINT drains; a second exits at once. */
function onSignals(stop: (signal: string) => void): void {
  let signals = 0;
  const on = (signal: string) => {
    if (++signals > 1) process.exit(1);
    stop(signal);
  };
  process.on('SIGTERM', () => on('SIGTERM'));
  process.on('SIGINT', () => on('SIGINT'));
}

/**
 * `hookline serve`: the server, with graceful drain on SIGTERM/SIGINT.
 */
import type { Command } from 'commander';
import { errorMessage } from '../platform/util/error-message.js';
import { configFile, configFrom } from './common.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the server (AudioHook endpoint, health, metrics)')
    .option('--port <port>', 'listen port (overrides server.port)', (v) => Number(v))
    .action(async (o: { port?: number }, cmd: Command) => {
      const config = configFrom(cmd, o.port !== undefined ? { 'server.port': o.port } : {});
      const { startServer } = await import('../app/serve.js');
      const { configOrigin } = await import('../tenants/index.js');
      const server = await startServer(config, undefined, { configOrigin: configOrigin(configFile(cmd)) });
      let signals = 0;
      const stop = (signal: string) => {
        if (++signals > 1) process.exit(1);
        server.ctx.log.info({ signal, sessions: server.capture.sessionCount }, 'draining');
        server.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            server.ctx.log.error({ err: errorMessage(err) }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}

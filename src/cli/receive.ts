/**
 * `hookline receive`: the reference stream receiver.
 */
import type { Command } from 'commander';

export function registerReceive(program: Command): void {
  program
    .command('receive')
    .description('run the reference downstream receiver: writes each forwarded call to DIR')
    .requiredOption('--port <port>', 'listen port', (v) => Number(v))
    .requiredOption('--out <dir>', 'output directory')
    .option('--host <host>', 'listen address', '127.0.0.1')
    .option('--token <token>', 'require Authorization: Bearer <token>')
    .action(async (o: { port: number; out: string; host: string; token?: string }) => {
      const { Receiver } = await import('../receiver/index.js');
      const { createLogger } = await import('../platform/logging/index.js');
      const log = createLogger({ level: process.env.HOOKLINE_LOGGING__LEVEL ?? 'info', name: 'hookline-receive' });
      const receiver = new Receiver({ port: o.port, host: o.host, outDir: o.out, token: o.token, log });
      await receiver.start();
      log.info({ port: receiver.port, out: o.out }, 'receiver listening');
      const stop = () => void receiver.stop().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
}

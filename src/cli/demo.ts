/**
 * `hookline demo` (`npm run demo`): the whole system on one machine.
 */
import type { Command } from 'commander';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the whole system on embedded defaults against the Genesys Cloud emulator, with a live view')
    .option('--data-dir <dir>', 'where the demo keeps its data (recreated at every start)', './data/demo')
    .option('--duration <seconds>', 'stop after this long (default: run until Ctrl-C)', (v) => Number(v))
    .option('--calls-per-minute <n>', 'call load', (v) => Number(v), 20)
    .action(async (o: { dataDir: string; duration?: number; callsPerMinute: number }) => {
      const { runDemo } = await import('../demo/run.js');
      await runDemo({ dataDir: o.dataDir, durationSeconds: o.duration, callsPerMinute: o.callsPerMinute, out: process.stdout });
    });
}

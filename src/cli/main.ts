/**
 * The `hookline` command line.
 */
import { randomBytes } from 'node:crypto';
import { Command, CommanderError } from 'commander';
import { errorMessage } from '../platform/util/error-message.js';
import { registerDemo } from './demo.js';
import { registerEmulator } from './emulator.js';
import { registerIngest } from './ingest.js';
import { registerReceive } from './receive.js';
import { registerServe } from './serve.js';
import { registerSimulate } from './simulate.js';
import { registerTenantCommands } from './tenants.js';
import { registerTokenCommands } from './tokens.js';
import { registerInstallerCommands } from './installers.js';
import { registerUserCommands } from './users.js';
import { registerWebhooks } from './webhooks.js';
import { registerAnalysis } from './analysis.js';

export function buildProgram(): Command {
  const program = new Command('hookline')
    .description('Genesys Cloud AudioHook capture and speech-analytics integration')
    .option('-c, --config <file>', 'YAML config file (or HOOKLINE_CONFIG)')
    // Every command reads --config: `hookline serve --help` must say so.
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError()
    .exitOverride();
  registerServe(program);
  registerTenantCommands(program);
  registerTokenCommands(program);
  registerInstallerCommands(program);
  registerUserCommands(program);
  registerSimulate(program);
  registerEmulator(program);
  registerReceive(program);
  registerIngest(program);
  registerWebhooks(program);
  registerAnalysis(program);
  registerDemo(program);
  program
    .command('keygen')
    .description('print a new random master key (base64, 32 bytes) for security.masterKey')
    .action(() => {
      process.stdout.write(randomBytes(32).toString('base64') + '\n');
    });
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`hookline: ${errorMessage(err)}\n`);
    process.exitCode = 1;
  }
}

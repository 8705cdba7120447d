/**
 * `hookline emulator`: the Genesys Cloud emulator (src/emulator) as a
 * long-running process, seeded from a JSON or YAML file (or a demo org).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { SeedInput } from '../emulator/index.js';
import { errorMessage } from '../platform/util/error-message.js';

interface EmulatorCliOptions {
  port: number;
  host: string;
  seed?: string;
  speed: number;
  idSeed?: string;
}

function readSeed(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read seed file ${path}: ${errorMessage(err)}`);
  }
  try {
    return /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new Error(`seed file ${path} is not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${errorMessage(err)}`);
  }
}

function number(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name} must be a number between ${min} and ${max} (got ${v})`);
    return n;
  };
}

export function registerEmulator(program: Command): void {
  program
    .command('emulator')
    .description('run the Genesys Cloud emulator (Platform API, notifications, call simulator, AudioHook dial-out)')
    .option('--port <port>', 'listen port', number('--port', 0, 65535), 8787)
    .option('--host <host>', 'listen host (also used in every URL handed out)', '127.0.0.1')
    .option('--seed <file>', 'seed document (JSON or YAML): orgs, users, groups, OAuth clients, integrations')
    .option('--speed <n>', 'virtual clock speed (1 = real time)', number('--speed', 0, 100000), 1)
    .option('--id-seed <text>', 'seed for generated ids (same seed, same ids)')
    .action(async (o: EmulatorCliOptions) => {
      const { DEMO_SEED, startEmulator } = await import('../emulator/index.js');
      // startEmulator validates the document and names any bad key.
      const seed = o.seed ? (readSeed(o.seed) as SeedInput) : DEMO_SEED;
      const emu = await startEmulator({ port: o.port, host: o.host, speed: o.speed, seed, ...(o.idSeed ? { idSeed: o.idSeed } : {}) });
      const out: string[] = [`Genesys Cloud emulator listening on ${emu.url}`, `control API: ${emu.url}/control  (see docs/emulator.md)`, ''];
      for (const org of emu.seeded) {
        out.push(`org ${org.name}  id ${org.orgId}  env ${org.env}`, `  apiUrl   ${org.apiUrl}`, `  loginUrl ${org.loginUrl}`);
        for (const c of org.clients) out.push(`  OAuth client ${c.name}: clientId ${c.clientId}  clientSecret ${c.clientSecret}`);
        out.push('');
      }
      process.stdout.write(out.join('\n') + '\n');
      const stop = () => {
        emu.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
}

/**
 * Runs the compiled CLI (`node bin/hookline.js`) as a child process, the way
 * users and CI run it. `npm test` builds dist/ first.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const BIN = join(process.cwd(), 'bin', 'hookline.js');

export function writeConfig(dir: string, config: Record<string, unknown>, name = 'hookline.yaml'): string {
  const file = join(dir, name);
  writeFileSync(file, stringify(config));
  return file;
}

export function runCli(args: string[], env: Record<string, string> = {}, cwd?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', cwd });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface Served {
  child: ChildProcess;
  port: number;
  /** The metrics listener's port (null when metrics are disabled). */
  metricsPort: number | null;
  lines: string[];
  exited: Promise<number | null>;
}

/** Starts `hookline serve` and resolves once it logs that it is serving. */
export function serve(configFile: string, env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [BIN, '--config', configFile, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${lines.join('\n')}`)), 20_000);
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        try {
          const j = JSON.parse(line) as { msg?: string; port?: number; metricsPort?: number | null };
          if (j.msg === 'hookline serving' && j.port) {
            clearTimeout(timer);
            resolve({ child, port: j.port, metricsPort: j.metricsPort ?? null, lines, exited });
          }
        } catch {
          /* not JSON */
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${lines.join('\n')}`));
    });
  });
}

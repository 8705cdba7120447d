/**
 * Starts the emulator child with one org: agents (all in the monitored
 * group), a queue, a wrap-up code, one OAuth client and the org's rate limit.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EmulatorControl, type SeededOrg, type SeedInput } from '../../src/emulator/index.js';

const CHILD = fileURLToPath(new URL('./emulator-child.js', import.meta.url));
/** 100,000 calls and a job holding all their records need more than the default heap. */
const CHILD_HEAP_MB = 8192;

export interface BenchEmulator {
  control: EmulatorControl;
  org: SeededOrg;
  pid: number;
  stop(): Promise<void>;
}

export interface EmulatorSpec {
  agents: number;
  /** Requests per minute per token; undefined = the emulator's default (300). */
  rateLimit?: number;
}

function seedFor(spec: EmulatorSpec): SeedInput {
  const users = Array.from({ length: spec.agents }, (_, i) => ({ name: `Agent ${i + 1}`, email: `agent${i + 1}@bench.example` }));
  return {
    orgs: [
      {
        name: 'Bench Org',
        users,
        groups: [{ name: 'Monitored', members: users.map((u) => u.email) }],
        queues: [{ name: 'Support' }],
        wrapupCodes: [{ name: 'Resolved' }],
        ...(spec.rateLimit !== undefined ? { rateLimit: { allowed: spec.rateLimit, windowSeconds: 60 } } : {}),
      },
    ],
  };
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`emulator child exited (${code}) before it was ready`)));
  });
}

export async function startBenchEmulator(spec: EmulatorSpec): Promise<BenchEmulator> {
  const child = fork(CHILD, [JSON.stringify(seedFor(spec))], { execArgv: [`--max-old-space-size=${CHILD_HEAP_MB}`], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const ready = JSON.parse(await firstLine(child)) as { url: string; seeded: SeededOrg[] };
  const org = ready.seeded[0];
  if (!org) throw new Error('the emulator seeded no org');
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    control: new EmulatorControl(ready.url),
    org,
    pid: child.pid as number,
    async stop() {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}

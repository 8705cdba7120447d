/**
 * CPU used over a measured span, from /proc (Linux): this process (the
 * Hookline pipeline), the emulator child, the backing services (PostgreSQL,
 * RabbitMQ, Swift) and the whole machine; what is left is other work on the
 * machine, which makes a run noisy. Figures are % of one core.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

function processSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return 0;
  }
}

const SERVICES = /^(postgres|beam\.smp|swift-|memcached)/;

/** CPU seconds of every backing-service process, by pid (new pids during a span start from 0). */
function serviceSeconds(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (SERVICES.test(readFileSync(`/proc/${name}/comm`, 'utf8'))) out.set(Number(name), processSeconds(Number(name)));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function servicesSince(before: Map<number, number>): number {
  let s = 0;
  for (const [pid, cpu] of serviceSeconds()) s += cpu - (before.get(pid) ?? 0);
  return s;
}

function machineSeconds(): number {
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq) / TICKS;
}

export interface CpuShare {
  hooklinePct: number;
  emulatorPct: number;
  servicesPct: number;
  /** Everything else on the machine (other people's work). */
  otherPct: number;
}

/** Call at the start of a span; the returned function gives the shares since then. */
export function cpuSpan(emulatorPid: number): () => CpuShare {
  const t0 = Date.now();
  const h0 = processSeconds(process.pid);
  const e0 = processSeconds(emulatorPid);
  const s0 = serviceSeconds();
  const m0 = machineSeconds();
  return () => {
    const s = Math.max(0.001, (Date.now() - t0) / 1000);
    const pct = (cpuSeconds: number) => (cpuSeconds / s) * 100;
    const hooklinePct = pct(processSeconds(process.pid) - h0);
    const emulatorPct = pct(processSeconds(emulatorPid) - e0);
    const servicesPct = pct(servicesSince(s0));
    const otherPct = Math.max(0, pct(machineSeconds() - m0) - hooklinePct - emulatorPct - servicesPct);
    return { hooklinePct, emulatorPct, servicesPct, otherPct };
  };
}

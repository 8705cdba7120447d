/**
 * `hookline serve` with `server.workers` > 1: a primary process and N workers
 * behind one port (Node.js docs, "Cluster": the workers share the listening
 * sockets; the primary hands out connections round-robin).
 *
 * The primary serves nothing itself. It runs the migrations, makes the master
 * key file and applies the config's tenants once (N workers would race them),
 * holds the memory shared state (`state: memory`) and aggregates /metrics for
 * the workers, forks them, restarts one that dies (with backoff; a crash loop,
 * or a worker that fails its first start, stops them all and exits non-zero)
 * and, on SIGTERM/SIGINT, asks each to drain and exits once all have.
 *
 * Each worker is a whole replica (startServer) with its own replicaId, spool
 * folder and index; see ClusterWorker in serve.ts.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../platform/logging/index.js';
import { MetricsHost } from '../platform/metrics/index.js';
import { StateHost, workerLink, type IpcLink } from '../platform/state/index.js';
import { backoffDelay } from '../platform/util/backoff.js';
import type { ConfigOrigin } from '../tenants/index.js';
import type { Config } from './config.js';
import { openContext } from './context.js';

/** The worker's index (1…N), from the primary to the worker it forks; not configuration (see platform/config/load.ts). */
export const WORKER_INDEX_ENV = 'HOOKLINE_WORKER_INDEX';

/** A crash restarts the worker after this backoff, growing with the crashes of the last CRASH_WINDOW_MS. */
const RESTART_BACKOFF = { baseMs: 500, maxMs: 10_000 };
const CRASH_WINDOW_MS = 60_000;
/** More crashes than this within the window is a crash loop: restarting will not help. */
const MAX_CRASHES = 5;

/** Messages between the primary and a worker (besides shared state's and metrics'). */
export const READY = { t: 'hookline-ready' } as const;
/** Beyond a worker's drain and close grace, before the primary kills a worker that has not stopped. */
const STOP_SLACK_MS = 15_000;
export const STOP = 'hookline-stop';
/** A worker's last exchange with the primary, once its listeners are closed (see leave()). */
const LEAVING = 'hookline-leaving';
const LEFT = 'hookline-left';

const tagged = (m: unknown, t: string): boolean => typeof m === 'object' && m !== null && (m as { t?: unknown }).t === t;

const isStop = (m: unknown): m is { t: typeof STOP; signal: string } => tagged(m, STOP);

/** This process's place in the cluster, when it is a worker of `hookline serve`. */
export function workerIndex(): number | undefined {
  if (!cluster.isWorker) return undefined;
  const n = Number(process.env[WORKER_INDEX_ENV]);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

/** A worker: calls `stop` once when the primary asks it to drain. */
export function onStopRequest(link: IpcLink, stop: (signal: string) => void): void {
  link.onMessage((m) => {
    if (isStop(m)) stop(m.signal);
  });
}

/**
 * A worker's last step before it exits, after its servers have closed. The
 * primary hands each connection to a worker over IPC (Node.js docs, "Cluster",
 * round-robin); one handed over as the worker closes its listener is given
 * back to the primary only while the worker still reads its channel, and a
 * worker that exited at once took it with it: that client hung until the whole
 * cluster stopped. The channel is ordered both ways, so once the primary
 * answers this, it has read our listeners' close and every connection it sent
 * us before that has reached us (and gone back). Resolves on the answer, or
 * after `timeoutMs` when the primary is gone.
 */
export function leave(link: IpcLink, timeoutMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    const off = link.onMessage((m) => {
      if (tagged(m, LEFT)) done();
    });
    function done(): void {
      clearTimeout(timer);
      off();
      resolve();
    }
    if (link.connected()) link.send({ t: LEAVING });
    else done();
  });
}

interface Slot {
  worker: Worker;
  ready: boolean;
  detach: (() => void)[];
}

export interface PrimaryOptions {
  config: Config;
  origin: ConfigOrigin;
  log: Logger;
}

/** Runs the primary until its workers have stopped; resolves with the process's exit code. */
export async function runPrimary({ config, origin, log }: PrimaryOptions): Promise<number> {
  const ctx = await openContext(config, log, { syncTenants: { origin } });
  await ctx.close();
  // The longest a worker's own stop can take (drain, then close grace), and some room for the sinks' last writes.
  const stopLimitMs = config.server.drainTimeoutMs + config.audiohook.closeGraceMs + STOP_SLACK_MS;
  const supervisor = new Supervisor(config.server.workers, log, config.state === 'memory' ? new StateHost(log) : undefined, stopLimitMs);
  return supervisor.run();
}

class Supervisor {
  private readonly slots = new Map<number, Slot>();
  private readonly metrics = new MetricsHost();
  private readonly crashes: number[] = [];
  private stopping = false;
  private failed = false;
  private done: (code: number) => void = () => undefined;

  constructor(
    private readonly workers: number,
    private readonly log: Logger,
    private readonly state: StateHost | undefined,
    private readonly stopLimitMs: number,
  ) {}

  run(): Promise<number> {
    const exited = new Promise<number>((resolve) => (this.done = resolve));
    let signals = 0;
    const onSignal = (signal: string) => {
      if (++signals > 1) return this.kill();
      this.log.info({ signal, workers: this.slots.size }, 'draining the workers');
      this.stop(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    this.log.info({ workers: this.workers, pid: process.pid }, 'hookline cluster starting');
    for (let i = 1; i <= this.workers; i++) this.fork(i, false);
    return exited.finally(() => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      void this.state?.close();
    });
  }

  private fork(index: number, restart: boolean): void {
    const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index) });
    const link = workerLink(worker);
    const slot: Slot = { worker, ready: false, detach: [this.metrics.attach(link)] };
    if (this.state) slot.detach.push(this.state.attach(link));
    slot.detach.push(
      link.onMessage((m) => {
        if (tagged(m, READY.t)) slot.ready = true;
        else if (tagged(m, LEAVING)) link.send({ t: LEFT });
      }),
    );
    worker.on('exit', (code, signal) => this.exited(index, slot, restart, code, signal));
    this.slots.set(index, slot);
  }

  private exited(index: number, slot: Slot, restart: boolean, code: number | null, signal: string | null): void {
    for (const detach of slot.detach) detach();
    if (this.slots.get(index) === slot) this.slots.delete(index);
    // A worker whose drain failed makes the whole stop a failure, as it would a single process's;
    // one still starting, ended by the stop's own SIGTERM, had nothing to drain.
    const stoppedWhileStarting = !slot.ready && signal === 'SIGTERM';
    if (this.stopping && code !== 0 && !stoppedWhileStarting) this.failed = true;
    if (this.stopping) {
      this.log.info({ worker: index, code, signal, workers: this.slots.size }, 'a worker stopped');
      return this.finishIfIdle();
    }
    if (!slot.ready && !restart) {
      // A first start that fails is the configuration or the host (port taken, database down): say so and stop.
      this.log.error({ worker: index, code, signal }, 'a worker failed to start; stopping the others');
      return this.giveUp();
    }
    const now = Date.now();
    this.crashes.push(now);
    while (this.crashes.length > 0 && (this.crashes[0] ?? now) < now - CRASH_WINDOW_MS) this.crashes.shift();
    if (this.crashes.length > MAX_CRASHES) {
      this.log.error({ worker: index, code, signal, crashes: this.crashes.length, windowMs: CRASH_WINDOW_MS }, 'workers are crash-looping; stopping');
      return this.giveUp();
    }
    const delayMs = backoffDelay(this.crashes.length, RESTART_BACKOFF);
    this.log.warn({ worker: index, code, signal, restartInMs: delayMs }, 'a worker exited; restarting it');
    setTimeout(() => {
      if (!this.stopping) this.fork(index, true);
    }, delayMs).unref();
  }

  private giveUp(): void {
    this.failed = true;
    this.stop('failure');
  }

  private stop(signal: string): void {
    this.stopping = true;
    for (const { worker, ready } of this.slots.values()) {
      // A worker still starting has no drain to do yet. It may still be loading its modules, with no
      // listener for the primary's message (a message then is lost), so it gets a signal instead.
      if (ready && worker.isConnected()) worker.send({ t: STOP, signal });
      else worker.process.kill('SIGTERM');
    }
    // A worker that neither drains nor exits (stuck) must not keep the host's port and the stop forever.
    setTimeout(() => {
      if (this.slots.size === 0) return;
      this.log.error({ workers: this.slots.size, afterMs: this.stopLimitMs }, 'workers did not stop in time; killing them');
      this.failed = true;
      for (const { worker } of this.slots.values()) worker.process.kill('SIGKILL');
    }, this.stopLimitMs).unref();
    this.finishIfIdle();
  }

  /** A second signal: stop waiting for the drain, as a single process exits at once on a second signal. */
  private kill(): void {
    for (const { worker } of this.slots.values()) worker.process.kill('SIGKILL');
    this.done(1);
  }

  private finishIfIdle(): void {
    if (this.slots.size === 0) this.done(this.failed ? 1 : 0);
  }
}

/**
 * The benchmarks' load generator, run as its own process (or several) so its
 * CPU never mixes with the server's. It runs `runLoad` — the library behind
 * `hookline simulate` — once per batch of sessions, and talks to the parent
 * over IPC (messages.ts):
 *   child → parent  {type:'ready'}                 warm-up done
 *   parent → child  {type:'grow', sessions}        start a batch of this many more sessions
 *   child → parent  {type:'opened', batch, ...}    every session of that batch has its `opened`
 *   parent → child  {type:'mark'}                  window edge; answered with a MarkReply (figures since the last mark)
 *   parent → child  {type:'finish'}                close every session now (`close end`)
 *   child → parent  {type:'result', ...}           once every session of every batch ended
 *
 * Sessions are given a long duration and ended by `finish`, so a ramp slower
 * than planned never ends sessions inside a window, and earlier batches keep
 * streaming while later ones ramp (bench:scale's growing load).
 *
 * Entry: `node load-child.js '<LoadOptions JSON>'` (its `sessions` is ignored; batches come by `grow`).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { runLoad, SendLateness, type AudioHookClient, type LoadOptions, type LoadResult } from '../../src/simulate/index.js';
import type { ChildMessage, LoaderLag, MarkReply, ParentMessage } from './messages.js';

const settled: AudioHookClient[] = [];
const opened = new Set<AudioHookClient>();
const rttSeen = new Map<AudioHookClient, number>();
let openMs: number[] = [];
const allOpenMs: number[] = [];
let started = 0;
let failed = 0;
let failedUnopened = 0;
let finishing = false;
const lateness = new SendLateness();
// 5 ms resolution: fine enough for a 20 ms lag threshold, one cheap timer.
const loop = monitorEventLoopDelay({ resolution: 5 });

function send(msg: ChildMessage): void {
  process.send?.(msg);
}

/** RTTs each client measured since the previous mark. */
function newRtts(): number[] {
  const out: number[] = [];
  for (const c of opened) {
    const from = rttSeen.get(c) ?? 0;
    for (let i = from; i < c.rtts.length; i++) out.push(c.rtts[i] as number);
    rttSeen.set(c, c.rtts.length);
  }
  return out;
}

function lagSinceLastMark(): LoaderLag {
  const l = lateness.summary();
  const lag = { loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6, sendLateP99Ms: l.p99Ms, sendLateMaxMs: l.maxMs };
  loop.reset();
  lateness.reset();
  return lag;
}

function mark(): MarkReply {
  const live = [...opened].filter((c) => !c.socketClosed).length;
  const reply: MarkReply = {
    type: 'mark',
    live,
    started,
    opened: opened.size,
    failed,
    pending: started - opened.size - failedUnopened,
    rttMs: newRtts(),
    openMs,
    lag: lagSinceLastMark(),
  };
  openMs = [];
  return reply;
}

/** The closing `close` is idempotent in the client core, so runLoad's own close at the duration is harmless. */
function finish(): void {
  finishing = true;
  for (const c of opened) c.close('end');
}

/** Sessions run (and ended) before the measured load, so neither side is measured with cold code. */
const WARMUP = { sessions: 50, connectRate: 100, durationSeconds: 2 };

function batch(options: LoadOptions, index: number, sessions: number): Promise<LoadResult> {
  const t0 = performance.now();
  let mine = 0;
  started += sessions;
  return runLoad({
    ...options,
    sessions,
    sendLateness: lateness,
    onSessionOpened: (c) => {
      opened.add(c);
      // Opened after `finish` (a slow open): end it at once, or the batch would run for its whole duration.
      if (finishing) c.close('end');
      if (c.openLatencyMs !== undefined) {
        openMs.push(c.openLatencyMs);
        allOpenMs.push(c.openLatencyMs);
      }
      if (++mine === sessions) send({ type: 'opened', batch: index, rampSeconds: (performance.now() - t0) / 1000 });
    },
    onSessionSettled: (c) => {
      settled.push(c);
      if (finishing) return;
      failed++;
      if (!opened.has(c)) failedUnopened++;
    },
  });
}

function mergeErrors(results: LoadResult[]): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const r of results) for (const [k, n] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + n;
  return errors;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
  await runLoad({ ...options, ...WARMUP });
  loop.enable();
  const batches: Promise<LoadResult>[] = [];
  const done = new Promise<void>((resolve) => {
    process.on('message', (m: ParentMessage) => {
      if (m.type === 'grow') batches.push(batch(options, batches.length, m.sessions));
      if (m.type === 'mark') send(mark());
      if (m.type === 'finish') {
        finish();
        resolve();
      }
    });
  });
  send({ type: 'ready' });
  await done;
  const results = await Promise.all(batches);
  // runLoad counts a session refused with `disconnect` as completed (it closed cleanly); the bench does not.
  const ended = settled.filter((c) => opened.has(c));
  const clean = ended.filter((c) => c.core.state === 'closed' && c.core.protocolErrors.length === 0).length;
  send({ type: 'result', sessions: started, clean, openMs: allOpenMs, errors: mergeErrors(results) });
  process.disconnect?.();
}

main().catch((err: Error) => {
  process.stderr.write(`load generator: ${err.message}\n`);
  process.exit(1);
});

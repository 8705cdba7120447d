/**
 * The load generator of bench:capture, run as its own process (pinned to a
 * core of its own) so its CPU never mixes with the server's. It runs
 * `runLoad` — the library behind `hookline simulate` — and talks to the
 * parent over IPC:
 *   child → parent  {type:'opened', rampSeconds}  every session has its `opened`
 *   parent → child  {type:'mark'}                 window edge; answered with a MarkReply
 *   parent → child  {type:'finish'}               close every session now (`close end`)
 *   child → parent  {type:'result', ...}          the LoadResult once every session ended, and how
 *                                                 many sessions opened and ended with `closed`
 *
 * A short warm-up load runs first. Sessions are given a generous duration
 * and ended by `finish`, so a ramp slower than planned can never end
 * sessions inside the window.
 *
 * Entry: `node load-child.js '<LoadOptions JSON>'`.
 */
import type { AudioHookClient } from '../../src/simulate/index.js';
import { runLoad, type LoadOptions } from '../../src/simulate/index.js';
import { summarize } from '../../src/simulate/index.js';
import type { ChildMessage, MarkReply } from './messages.js';

const clients: AudioHookClient[] = [];
let rttOffsets: number[] | undefined;

function send(msg: ChildMessage): void {
  process.send?.(msg);
}

/** Live sessions and — from the second mark on — the RTTs since the first. */
function mark(): MarkReply {
  const live = clients.filter((c) => !c.socketClosed).length;
  const reply: MarkReply = { type: 'mark', live };
  if (rttOffsets === undefined) {
    rttOffsets = clients.map((c) => c.rtts.length);
    return reply;
  }
  const offsets = rttOffsets;
  reply.rttMs = summarize(clients.flatMap((c, i) => c.rtts.slice(offsets[i] ?? 0)));
  return reply;
}

/** The closing `close` is idempotent in the client core, so runLoad's own close at the duration is harmless. */
function finish(): void {
  for (const c of clients) c.close('end');
}

/** Sessions run (and ended) before the measured load, so neither side is measured with cold code. */
const WARMUP = { sessions: 50, connectRate: 100, durationSeconds: 2 };

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
  await runLoad({ ...options, ...WARMUP });
  process.on('message', (m: { type?: string }) => {
    if (m.type === 'mark') send(mark());
    if (m.type === 'finish') finish();
  });
  const started = performance.now();
  const result = await runLoad({
    ...options,
    onSessionOpened: (c) => {
      clients.push(c);
      if (clients.length === options.sessions) send({ type: 'opened', rampSeconds: (performance.now() - started) / 1000 });
    },
  });
  // runLoad counts a session refused with `disconnect` as completed (it closed cleanly); the bench does not.
  const clean = clients.filter((c) => c.core.state === 'closed' && c.core.protocolErrors.length === 0).length;
  send({ type: 'result', result, clean });
  process.disconnect?.();
}

main().catch((err: Error) => {
  process.stderr.write(`load generator: ${err.message}\n`);
  process.exit(1);
});

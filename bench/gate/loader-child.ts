/**
 * The load generator of the forwarding benchmark, as its own process: `runLoad`
 * (the library behind `hookline simulate`) with every audio frame stamped with
 * its send time (stamp.ts). IPC:
 *   child → parent  {type:'opened', rampSeconds}       every session has its `opened`
 *   parent → child  {type:'mark'} → {type:'sent', framesSent, live}
 *   parent → child  {type:'finish'}                     close every session (`close end`)
 *   child → parent  {type:'result', opened, clean, errors}
 *
 * Sessions get a generous duration and are ended by `finish`, so a slow ramp
 * can never end sessions inside the window.
 *
 * Entry: `node loader-child.js '<LoadOptions JSON>'`.
 */
import { performance } from 'node:perf_hooks';
import { runLoad, type AudioHookClient, type LoadOptions } from '../../src/simulate/index.js';
import { stamped } from './stamp.js';

export interface LoaderResult {
  type: 'result';
  opened: number;
  /** Sessions that streamed and ended with `closed`, with no protocol error. */
  clean: number;
  errors: Record<string, number>;
}

export interface LoaderMark {
  type: 'sent';
  framesSent: number;
  live: number;
}

const clients: AudioHookClient[] = [];

/** The stamp is taken as the frame is handed to the socket (tick sends synchronously). */
function stampFrames(c: AudioHookClient): void {
  const tick = c.tick.bind(c);
  c.tick = (frame) => tick(stamped(frame));
}

function mark(): LoaderMark {
  let framesSent = 0;
  let live = 0;
  for (const c of clients) {
    framesSent += c.framesSent;
    if (!c.socketClosed) live++;
  }
  return { type: 'sent', framesSent, live };
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
  process.on('message', (m: { type?: string }) => {
    if (m.type === 'mark') process.send?.(mark());
    if (m.type === 'finish') for (const c of clients) c.close('end');
  });
  const started = performance.now();
  const result = await runLoad({
    ...options,
    onSessionOpened: (c) => {
      stampFrames(c);
      clients.push(c);
      if (clients.length === options.sessions) process.send?.({ type: 'opened', rampSeconds: (performance.now() - started) / 1000 });
    },
  });
  const clean = clients.filter((c) => c.core.state === 'closed' && c.core.protocolErrors.length === 0).length;
  const reply: LoaderResult = { type: 'result', opened: result.opened, clean, errors: result.errors };
  process.send?.(reply);
  process.disconnect?.();
}

main().catch((err: Error) => {
  process.stderr.write(`load generator: ${err.message}\n`);
  process.exit(1);
});

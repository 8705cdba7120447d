/**
 * The downstream destination of the forwarding benchmark, as its own process:
 * a bare `ws` server that reads the stamp of every source frame in each binary
 * message (stamp.ts; a batched message carries several frames, one every
 * `frameBytes`) and keeps a histogram of the ages, and counts `gap` messages
 * (frames Hookline dropped). Nothing else is done per frame, so little of the
 * measured time is its own.
 *
 * IPC: child → parent {type:'ready', port}; parent → child {type:'mark'}
 * (start of the window, answered {type:'marked'}) and {type:'collect'}
 * (answered with a SinkWindow).
 *
 * Entry: `node sink-child.js <frameBytes>`.
 */
import { createHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocketServer, type RawData } from 'ws';
import { ageNs } from './stamp.js';

const FRAME_BYTES = Number(process.argv[2] ?? 320);

export interface SinkWindow {
  type: 'window';
  frames: number;
  /** Binary messages: fewer than frames when Hookline batches. */
  messages: number;
  gaps: number;
  sockets: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** This process's own event-loop delay p99: an upper bound on what the receiver adds. */
  loopDelayP99Ms: number;
}

let latency = createHistogram();
let loopDelay = monitorEventLoopDelay({ resolution: 10 });
let frames = 0;
let messages = 0;
let gaps = 0;
let sockets = 0;

function onMessage(data: RawData, isBinary: boolean): void {
  if (!isBinary) {
    if (String(data).includes('"type":"gap"')) gaps++;
    return;
  }
  const buf = data as Buffer;
  messages++;
  for (let at = 0; at < buf.length; at += FRAME_BYTES) {
    const age = ageNs(buf.subarray(at, at + FRAME_BYTES));
    if (age === undefined) continue;
    frames++;
    latency.record(Math.max(1, age));
  }
}

function mark(): void {
  latency = createHistogram();
  loopDelay.disable();
  loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  frames = 0;
  messages = 0;
  gaps = 0;
}

function collect(): SinkWindow {
  const ms = (ns: number) => ns / 1e6;
  return {
    type: 'window',
    frames,
    messages,
    gaps,
    sockets,
    latencyMs: { p50: ms(latency.percentile(50)), p99: ms(latency.percentile(99)), max: ms(latency.max) },
    loopDelayP99Ms: ms(loopDelay.percentile(99)),
  };
}

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false, maxPayload: 1024 * 1024 });
wss.on('connection', (ws) => {
  sockets++;
  ws.on('message', onMessage);
  ws.on('close', () => sockets--);
  ws.on('error', () => undefined);
});
wss.on('listening', () => {
  const addr = wss.address();
  process.send?.({ type: 'ready', port: typeof addr === 'object' && addr ? addr.port : 0 });
});
process.on('message', (m: { type?: string }) => {
  if (m.type === 'mark') {
    mark();
    process.send?.({ type: 'marked' });
  }
  if (m.type === 'collect') process.send?.(collect());
});
process.on('disconnect', () => process.exit(0));

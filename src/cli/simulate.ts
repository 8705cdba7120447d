/**
 * `hookline simulate`: an AudioHook client for load and conformance work.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { LoadResult, ScriptStep } from '../simulate/index.js';

/** How the server ends a session it drains or whose call ended: a normal end, not an error. */
const NORMAL_END = /^disconnect completed\b/;

/** Where the reason behind a refusal is, since the server tells the client only `Unauthorized`. */
const HINTS: [RegExp, string][] = [
  [/^disconnect unauthorized\b/, "the server logs the reason as 'AudioHook authentication failed' (field reason) in its log: the output of `hookline serve`, or data/demo/hookline.log for the demo"],
];

export function formatResult(result: LoadResult): string {
  const f = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(2));
  const lines = [
    `sessions ${result.sessions}  opened ${result.opened}  completed ${result.completed}  failed ${result.failed}`,
    `open latency ms  p50 ${f(result.openLatencyMs.p50)}  p99 ${f(result.openLatencyMs.p99)}  max ${f(result.openLatencyMs.max)}`,
    `rtt ms           p50 ${f(result.rttMs.p50)}  p99 ${f(result.rttMs.p99)}  max ${f(result.rttMs.max)}  (${result.rttMs.count} samples)`,
    `frames sent ${result.framesSent}  bytes ${result.bytesSent}  wall ${result.wallSeconds.toFixed(1)} s`,
  ];
  for (const [msg, n] of Object.entries(result.errors)) {
    if (NORMAL_END.test(msg)) {
      lines.push(`ended by the server ×${n}: ${msg} (a normal end, e.g. the server draining)`);
      continue;
    }
    lines.push(`error ×${n}: ${msg}`);
    for (const [pattern, hint] of HINTS) if (pattern.test(msg)) lines.push(`  ${hint}`);
  }
  return lines.join('\n') + '\n';
}

async function loadWav(path: string): Promise<Uint8Array> {
  const { parseWav, ulawEncode } = await import('../audio/index.js');
  const buf = readFileSync(path);
  const w = parseWav(buf);
  if (w.rate !== 8000) throw new Error(`${path}: need 8 kHz audio (got ${w.rate} Hz)`);
  let data: Uint8Array = buf.subarray(w.dataOffset, w.dataOffset + w.dataBytes);
  if (w.format === 'L16') data = ulawEncode(new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length)));
  if (w.channels === 2) return data;
  const stereo = new Uint8Array(data.length * 2);
  for (let i = 0; i < data.length; i++) stereo[2 * i] = stereo[2 * i + 1] = data[i] as number;
  return stereo;
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('run AudioHook client sessions against a server and report latency, RTT and errors')
    .requiredOption('--url <url>', 'AudioHook endpoint, e.g. ws://127.0.0.1:8080/api/v1/audiohook/ws')
    .requiredOption('--api-key <key>', 'X-API-KEY')
    .requiredOption('--org-id <uuid>', 'Audiohook-Organization-Id')
    .option('--secret <base64>', 'client secret; signs the upgrade (omit for unsigned)')
    .option('--sessions <n>', 'concurrent sessions', (v) => Number(v), 1)
    .option('--rate <n>', 'new connections per second', (v) => Number(v), 50)
    .option('--frame-ms <ms>', 'frame length, 10-1000 ms', (v) => Number(v), 200)
    .option('--duration <s>', 'seconds each session streams', (v) => Number(v), 10)
    .option('--wav <file>', '8 kHz WAV (mono or stereo, µ-law or 16-bit) instead of a tone')
    .option('--probe', 'connection probe: nil ids, no audio')
    .option('--script <json>', 'scripted actions, e.g. [{"at":2,"action":"hold"},{"at":4,"action":"unhold"}]')
    .option('--json', 'print the result as JSON')
    .action(async (o: { url: string; apiKey: string; orgId: string; secret?: string; sessions: number; rate: number; frameMs: number; duration: number; wav?: string; probe?: boolean; script?: string; json?: boolean }) => {
      if (!(o.frameMs >= 10 && o.frameMs <= 1000)) throw new Error('--frame-ms must be between 10 and 1000');
      const { runLoad } = await import('../simulate/index.js');
      const { toneUlaw } = await import('../audio/index.js');
      const result = await runLoad({
        url: o.url,
        apiKey: o.apiKey,
        clientSecret: o.secret,
        orgId: o.orgId,
        sessions: o.sessions,
        connectRate: o.rate,
        frameMs: o.frameMs,
        durationSeconds: o.duration,
        audio: o.wav ? await loadWav(o.wav) : toneUlaw([440, 660], 2),
        probe: o.probe === true,
        script: o.script ? (JSON.parse(o.script) as ScriptStep[]) : [],
      });
      process.stdout.write(o.json ? JSON.stringify(result, null, 2) + '\n' : formatResult(result));
      if (result.failed > 0) process.exitCode = 2;
    });
}

/**
 * bench: emulator load — the Genesys emulator dialling AudioHook into a real
 * Hookline capture server (`hookline serve`, a child process with a temp
 * config), with at least 500 concurrent calls streaming stereo PCMU in real
 * time. The emulator runs in this process, so this process's CPU and RSS are
 * the emulator's (plus a little sampling). Prints frames/s, the steady-window
 * CPU and RSS, how far audio fell behind real time, and every failure.
 *
 *   npm run build:bench && node dist-bench/bench/emulator-load.js [--calls 500] [--ramp 20] [--talk 60-90]
 *     [--frame-ms 100] [--recorder] [--hold 20]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { startEmulator, type AudioHookEntry, type EmulatorControl } from '../src/emulator/index.js';
import { SPEECH_DIR } from './lib/paths.js';

const HOOKLINE_JS = fileURLToPath(new URL('../../bin/hookline.js', import.meta.url));
const CLK_TCK = 100;

interface Options {
  calls: number;
  rampSeconds: number;
  talk: [number, number];
  frameMs: number;
  recorder: boolean;
}

function options(argv: string[]): Options {
  const { values: v } = parseArgs({
    args: argv,
    options: { calls: { type: 'string', default: '500' }, ramp: { type: 'string', default: '20' }, talk: { type: 'string', default: '60-90' }, 'frame-ms': { type: 'string', default: '100' }, recorder: { type: 'boolean', default: false } },
  });
  const [lo, hi] = String(v.talk).split('-').map(Number) as [number, number];
  const o: Options = { calls: Number(v.calls), rampSeconds: Number(v.ramp), talk: [lo, hi ?? lo], frameMs: Number(v['frame-ms']), recorder: v.recorder === true };
  if (!(o.calls > 0 && o.rampSeconds > 0 && o.talk[0] > 0 && o.talk[1] >= o.talk[0] && o.frameMs >= 10)) throw new Error('usage: --calls N --ramp S --talk MIN-MAX (seconds) --frame-ms MS [--recorder]');
  if (o.talk[0] < o.rampSeconds + 10) throw new Error('--talk minimum must exceed the ramp by 10 s, or the first calls end before the last start');
  return o;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user + system) of a process, from /proc. */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

async function startCapture(o: Options, creds: { orgId: string; apiKey: string; secret: string }): Promise<{ child: ChildProcess; wsUrl: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-emu-bench-'));
  const port = await freePort();
  const config = {
    dataDir: dir,
    database: `sqlite:${dir}/hookline.db`,
    objects: { url: `file:${dir}/objects` },
    server: { host: '127.0.0.1', port, drainTimeoutSeconds: 1 },
    metrics: { port: 0 },
    security: { masterKey: randomBytes(32).toString('base64') },
    logging: { level: 'warn' },
    recorder: { enabled: o.recorder },
    tenants: [{ orgId: creds.orgId, name: 'Bench', apiKeys: [{ key: creds.apiKey, secret: creds.secret }] }],
  };
  writeFileSync(join(dir, 'config.yaml'), stringify(config));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HOOKLINE_')));
  const child = spawn(process.execPath, [HOOKLINE_JS, '--config', join(dir, 'config.yaml'), 'serve'], { stdio: ['ignore', 'inherit', 'inherit'], env });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hookline serve exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('hookline serve did not become ready in 20 s');
    if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) break;
    await sleep(100);
  }
  return { child, wsUrl: `ws://127.0.0.1:${port}/api/v1/audiohook/ws`, dir };
}

interface Sample {
  at: number;
  open: number;
  frames: number;
  cpu: number;
  captureCpu: number;
  rss: number;
  /** Worst shortfall (ms of audio) of an open session against real time. */
  behindMs: number;
}

async function sample(control: EmulatorControl, capturePid: number, frameMs: number): Promise<{ s: Sample; entries: AudioHookEntry[] }> {
  const entries = await control.audioHookLog({ kind: 'call' });
  const at = performance.now();
  const now = Date.parse((await control.clock()).iso);
  const open = entries.filter((e) => e.result === 'open');
  let behindMs = 0;
  for (const e of open) {
    const due = Math.floor((now - Date.parse(e.startedAt)) / frameMs);
    behindMs = Math.max(behindMs, (due - e.framesSent - 1) * frameMs);
  }
  const u = process.cpuUsage();
  return {
    s: { at, open: open.length, frames: entries.reduce((n, e) => n + e.framesSent, 0), cpu: (u.user + u.system) / 1e6, captureCpu: cpuOf(capturePid), rss: process.memoryUsage().rss, behindMs },
    entries,
  };
}

function report(o: Options, window: Sample[], final: AudioHookEntry[], lagP99: number): string {
  const a = window[0] as Sample;
  const b = window[window.length - 1] as Sample;
  const secs = (b.at - a.at) / 1000;
  const failed = final.filter((e) => e.result !== 'completed' || e.closeReason !== 'end' || e.protocolErrors.length > 0 || e.disconnects.length > 0);
  const lines = [
    `calls ${o.calls}, frames ${o.frameMs} ms stereo PCMU, talk ${o.talk[0]}-${o.talk[1]} s, recorder ${o.recorder ? 'on' : 'off'}`,
    `steady window: ${secs.toFixed(1)} s with ${Math.min(...window.map((w) => w.open))}-${Math.max(...window.map((w) => w.open))} concurrent sessions`,
    `frames/s sent: ${((b.frames - a.frames) / secs).toFixed(0)} (real time for ${o.calls} calls: ${((o.calls * 1000) / o.frameMs).toFixed(0)})`,
    `emulator CPU: ${(((b.cpu - a.cpu) / secs) * 100).toFixed(1)} % of one core; RSS ${(b.rss / 2 ** 20).toFixed(0)} MB (peak sample ${(Math.max(...window.map((w) => w.rss)) / 2 ** 20).toFixed(0)} MB)`,
    `capture server CPU: ${(((b.captureCpu - a.captureCpu) / secs) * 100).toFixed(1)} % of one core`,
    `audio behind real time: worst ${Math.max(...window.map((w) => w.behindMs))} ms; event-loop delay p99 ${lagP99.toFixed(1)} ms`,
    `sessions: ${final.length} dialled, ${final.length - failed.length} completed cleanly, ${failed.length} failed`,
  ];
  for (const f of failed.slice(0, 10)) lines.push(`  failed ${f.sessionId}: result ${f.result}, close ${f.closeReason ?? '-'}, ${f.error ?? ''} ${JSON.stringify(f.disconnects)} ${f.protocolErrors.join('; ')}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const creds = { orgId: randomUUID(), apiKey: `bench-${randomBytes(6).toString('hex')}`, secret: randomBytes(32).toString('base64') };
  const capture = await startCapture(o, creds);
  const emu = await startEmulator({
    speechDir: SPEECH_DIR,
    settings: { dialOut: { frameMs: o.frameMs }, log: { maxEntries: o.calls * 4 } },
    seed: { orgs: [{ id: creds.orgId, name: 'Bench', generateUsers: o.calls + 50, integrations: [{ connectionUri: capture.wsUrl, apiKey: creds.apiKey, clientSecret: creds.secret }] }] },
  });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  try {
    process.stdout.write(`emulator ${emu.url}, capture ${capture.wsUrl}; starting ${o.calls} calls over ${o.rampSeconds} s\n`);
    await emu.control.startLoad(creds.orgId, {
      callsPerMinute: (o.calls / o.rampSeconds) * 60,
      totalCalls: o.calls,
      talkMs: [o.talk[0] * 1000, o.talk[1] * 1000],
      durations: { ivrMs: 1000, queueMs: 1000, alertMs: 1000, acwMs: 5000 },
    });
    const window: Sample[] = [];
    for (;;) {
      await sleep(2000);
      const { s, entries } = await sample(emu.control, capture.child.pid as number, o.frameMs);
      process.stdout.write(`  t+${(s.at / 1000).toFixed(0)} s: ${s.open} open, ${entries.length} dialled, ${s.frames} frames\n`);
      if (s.open >= o.calls) {
        if (window.length === 0) delay.enable();
        window.push(s);
      } else if (window.length > 0) break;
      if (entries.length >= o.calls && s.open === 0) break;
    }
    delay.disable();
    if (window.length < 2) throw new Error(`never reached ${o.calls} concurrent sessions`);
    const final = await waitForEnd(emu.control, o.calls);
    process.stdout.write(`\n${report(o, window, final, delay.percentile(99) / 1e6)}\n`);
  } finally {
    await emu.stop();
    capture.child.kill('SIGTERM');
    await new Promise((r) => capture.child.once('exit', r));
    rmSync(capture.dir, { recursive: true, force: true });
  }
}

async function waitForEnd(control: EmulatorControl, calls: number): Promise<AudioHookEntry[]> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const entries = await control.audioHookLog({ kind: 'call' });
    if ((entries.length >= calls && entries.every((e) => e.endedAt !== undefined)) || Date.now() > deadline) return entries;
    await sleep(2000);
  }
}

main().catch((err: Error) => {
  process.stderr.write(`emulator-load: ${err.message}\n`);
  process.exit(1);
});

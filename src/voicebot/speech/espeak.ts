/**
 * Offline TTS with Debian's espeak-ng, run as a separate program (it is GPL:
 * never bundled, never linked). `espeak-ng --stdout` streams a 22.05 kHz
 * 16-bit mono WAV; we skip its header, resample to 8 kHz µ-law and yield each
 * piece as the program writes it, so the first audio leaves before the whole
 * prompt is rendered.
 *
 * Text goes in on stdin (`--stdin`), never as an argument: text that starts
 * with `-` would otherwise be read as an option, and no shell is involved.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { Pcm16Reader, PcmToUlaw8k, WavStreamReader } from '../../audio/index.js';
import type { TtsConfig } from '../../tenants/index.js';
import { SpeechEngineError, SpeechEngineUnavailableError, SpeechInputError } from './errors.js';
import { ByteLru, Semaphore } from './limits.js';
import type { TtsEngine, TtsOptions } from './types.js';

export interface EspeakTtsOptions {
  /** Program to run (default `espeak-ng` on PATH). */
  program?: string;
  /** Programs running at once; more requests wait. Default 2 × CPUs. */
  maxConcurrent?: number;
  /** Rendered prompts kept, in bytes of µ-law (8,000 per second). Default 8 MiB (~17 min). */
  cacheBytes?: number;
  /** Longest text accepted. Default 5,000 characters. */
  maxTextChars?: number;
}

export type EspeakTtsConfig = Pick<TtsConfig, 'voice' | 'wordsPerMinute'> & Partial<Pick<TtsConfig, 'engine'>> & EspeakTtsOptions;

export interface EspeakTtsStats {
  /** Programs started since creation. */
  spawned: number;
  running: number;
  queued: number;
  cacheHits: number;
  cacheBytes: number;
}

export interface EspeakTtsEngine extends TtsEngine {
  stats(): EspeakTtsStats;
}

const VOICE = /^[A-Za-z0-9+_-]{1,40}$/;
const STDERR_TAIL = 1024;

export function createEspeakTts(cfg: EspeakTtsConfig): EspeakTtsEngine {
  const program = cfg.program ?? 'espeak-ng';
  const semaphore = new Semaphore(cfg.maxConcurrent ?? 2 * availableParallelism());
  const cache = new ByteLru(cfg.cacheBytes ?? 8 * 1024 * 1024);
  const maxTextChars = cfg.maxTextChars ?? 5000;
  const counters = { spawned: 0, cacheHits: 0 };

  async function* synthesize(text: string, options: TtsOptions = {}): AsyncGenerator<Uint8Array> {
    const voice = options.voice ?? cfg.voice;
    if (!VOICE.test(voice)) throw new SpeechInputError('voice must be an espeak-ng voice name (1–40 letters, digits, + _ -)');
    if (text.length > maxTextChars) throw new SpeechInputError(`text is ${text.length} characters; at most ${maxTextChars} are spoken at once`);
    if (text.trim() === '') return;
    const key = `${voice}\u0000${cfg.wordsPerMinute}\u0000${text}`;
    const cached = cache.get(key);
    if (cached) {
      counters.cacheHits++;
      yield cached.slice();
      return;
    }
    const signal = options.signal;
    let release: () => void;
    try {
      release = await semaphore.acquire(signal);
    } catch (err) {
      if (signal?.aborted) return;
      throw err;
    }
    try {
      counters.spawned++;
      const parts: Uint8Array[] = [];
      let size = 0;
      for await (const audio of runEspeak(program, ['--stdout', '--stdin', '-v', voice, '-s', String(cfg.wordsPerMinute)], text, signal)) {
        if (size <= cache.maxBytes) parts.push(audio);
        size += audio.length;
        yield audio;
      }
      if (!signal?.aborted) cache.set(key, Buffer.concat(parts));
    } finally {
      release();
    }
  }

  return {
    name: 'espeak-ng',
    synthesize,
    stats: () => ({ ...counters, running: semaphore.running, queued: semaphore.queued, cacheBytes: cache.bytes }),
  };
}

/**
 * One espeak-ng run: yields 8 kHz µ-law until the program ends; ends quietly
 * on abort. The program is gone (exited and reaped) when this returns, however
 * it ends (completion, abort, the consumer stopping early, an error).
 */
async function* runEspeak(program: string, args: string[], text: string, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
  if (signal?.aborted) return;
  const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    stderr = (stderr + s).slice(-STDERR_TAIL);
  });
  child.stdin.on('error', () => undefined); // EPIPE when the program dies early: its exit reports it.
  const closed = new Promise<{ code: number | null; spawnError?: Error }>((resolve) => {
    child.once('error', (err) => resolve({ code: null, spawnError: err }));
    child.once('close', (code) => resolve({ code }));
  });
  const kill = (): void => {
    child.kill('SIGKILL');
  };
  signal?.addEventListener('abort', kill, { once: true });
  try {
    child.stdin.end(text);
    yield* decode(child);
    const result = await closed;
    if (signal?.aborted) return;
    if (result.spawnError) throw unavailable(program, result.spawnError);
    if (result.code !== 0) throw new SpeechEngineError(`${program} exited with code ${result.code}: ${stderr.trim() || 'no message'}`);
  } finally {
    signal?.removeEventListener('abort', kill);
    if (child.exitCode === null && child.signalCode === null) kill();
    await closed;
  }
}

async function* decode(child: ChildProcess): AsyncGenerator<Uint8Array> {
  const wav = new WavStreamReader();
  const pcm = new Pcm16Reader();
  let resampler: PcmToUlaw8k | undefined;
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    const body = wav.push(chunk);
    if (body.length === 0) continue;
    if (!resampler) {
      const f = wav.format;
      if (!f || f.formatTag !== 1 || f.bitsPerSample !== 16 || f.channels !== 1) {
        throw new SpeechEngineError(`espeak-ng wrote an unexpected WAV format (${JSON.stringify(f)}); expected 16-bit mono PCM`);
      }
      resampler = new PcmToUlaw8k(f.rate);
    }
    const audio = resampler.push(pcm.push(body));
    if (audio.length > 0) yield audio;
  }
}

function unavailable(program: string, err: Error): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES') {
    return new SpeechEngineUnavailableError(`${program} cannot be run (${code}): install the Debian package espeak-ng (apt-get install espeak-ng), or set the program path`);
  }
  return new SpeechEngineError(`${program} failed to start: ${err.message}`);
}

/**
 * Offline ASR with Debian's pocketsphinx, run as a separate program (GPL:
 * never bundled, never linked): one `pocketsphinx_continuous` per caller
 * stream, caller audio (8 kHz µ-law → 16 kHz PCM) in, one line per
 * utterance on its stdout. The audio goes through a named pipe (`-infile
 * <fifo>`: the program reads its input sequentially, so a FIFO streams); not
 * through stdin, because Node gives a child a socket as stdin and the program
 * can only open a path (/dev/stdin on a socket fails). We open the FIFO
 * read-write and non-blocking (fifo(7): never blocks on Linux), so a program
 * that died or stalls can never block us: writes queue, and beyond a bound
 * they are dropped and counted.
 *
 * Keyword mode (bot phrases given, mode auto|keyword): a JSGF grammar of the
 * phrases, so what comes back is exactly one of them. Phrase words missing
 * from the dictionary are dropped (logged once per engine); if no phrase is
 * left the stream falls back to continuous recognition with the language model.
 *
 * Keyword spotting (option `kws`, for listening to a whole call for a few
 * phrases: docs/guidance-speech.md): `-kws` with one detection threshold per
 * phrase, so speech that holds no phrase yields nothing, where a grammar would
 * force every utterance into one. Each detection is one `final` event whose
 * text is the phrase. A phrase with a word missing from the dictionary is
 * left out whole and listed in the stream's `skippedPhrases`.
 *
 * End of utterance: the program ends an utterance when its own VAD hears
 * ~0.5 s of silence and cannot be told otherwise, so `endUtterance()` writes
 * that silence at once. The program decodes far faster than real time, so
 * the final comes out within a few tens of ms, and the process (its model
 * loaded, its cepstral mean adapted to this caller) stays for the next turn.
 * The inserted silence is subtracted from the reported times.
 */
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { constants, openSync } from 'node:fs';
import { access, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { UlawToPcm16k } from '../../audio/index.js';
import type { Logger } from '../../platform/logging/index.js';
import type { AsrConfig } from '../../tenants/index.js';
import { SpeechEngineError, SpeechEngineUnavailableError, SpeechInputError } from './errors.js';
import { NARROWBAND_CMN_INIT, jsgfGrammar, kwsList, loadDictionaryWords, planGrammar, planKeyphrases, prepareModel, type PocketsphinxModelPaths } from './pocketsphinx-model.js';
import { PocketsphinxOutputParser, type PocketsphinxResult } from './pocketsphinx-output.js';
import type { AsrEngine, AsrEvent, AsrSessionOptions, AsrStream } from './types.js';

type PocketsphinxConfig = Extract<AsrConfig, { engine: 'pocketsphinx' }>;

export interface PocketsphinxAsrOptions {
  /** Program to run (default `pocketsphinx_continuous` on PATH). */
  program?: string;
  /** The Debian model directory (default /usr/share/pocketsphinx/model/en-us). */
  modelDir?: string;
  /** Where the tuned model copy and grammars go (default the OS temp directory). */
  workDir?: string;
  /** Initial cepstral mean (13 values). Default: telephone-band speech. */
  cmnInit?: readonly number[];
  /** Audio queued for the program (beyond the FIFO's own 64 KiB) beyond this is dropped and counted. Default 64 KiB (2 s of 16 kHz PCM). */
  maxPendingBytes?: number;
  /** Silence written by endUtterance(). Default 700 ms (the program's VAD needs 500). */
  flushSilenceMs?: number;
  /** After close(), how long the program may take to print its last result before it is killed. Default 2000 ms. */
  closeTimeoutMs?: number;
  logger?: Pick<Logger, 'warn'>;
  /** Spot the session's phrases by keyword spotting instead of a grammar (ignored without phrases or in mode `continuous`). */
  kws?: PocketsphinxKwsOptions;
}

/** Keyword-spotting settings: see the `-kws_plp` and `-kws_threshold` options of pocketsphinx_continuous. */
export interface PocketsphinxKwsOptions {
  /** Phone-loop probability (`-kws_plp`): lower makes the competing "any phones" path less likely. */
  plp: number;
  /** Detection threshold of one phrase (as spotted: lower case), in (0, 1]: lower fires more readily. */
  threshold(phrase: string): number;
}

export type PocketsphinxAsrConfig = Partial<PocketsphinxConfig> & PocketsphinxAsrOptions;

/** A stream with its counters, for metrics and tests. */
export interface PocketsphinxAsrStream extends AsrStream {
  /** Search the program runs: `grammar` (keyword mode), `kws` (keyword spotting) or `lm` (continuous). */
  readonly search: 'grammar' | 'kws' | 'lm';
  /** Phrases not spotted because a word of theirs is not in the dictionary (`kws` only). */
  readonly skippedPhrases: readonly string[];
  /** Caller audio (µ-law bytes) dropped because the program fell behind or was gone. */
  readonly droppedBytes: number;
  endUtterance(): void;
}

export interface PocketsphinxAsrEngine extends AsrEngine {
  connect(options: AsrSessionOptions): Promise<PocketsphinxAsrStream>;
}

const execFileAsync = promisify(execFile);
const DEFAULT_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
const STDERR_TAIL = 1024;
const INSTALL_HINT = 'install the Debian packages pocketsphinx and pocketsphinx-en-us';
/** Unknown words remembered for "log once"; beyond this they are no longer logged. */
const MAX_WARNED_WORDS = 1000;

export function createPocketsphinxAsr(cfg: PocketsphinxAsrConfig = {}): PocketsphinxAsrEngine {
  const program = cfg.program ?? 'pocketsphinx_continuous';
  const mode = cfg.mode ?? 'auto';
  const modelDir = cfg.modelDir ?? DEFAULT_MODEL_DIR;
  const workDir = cfg.workDir ?? tmpdir();
  const cmnInit = cfg.cmnInit ?? NARROWBAND_CMN_INIT;
  if (cmnInit.length !== 13 || cmnInit.some((v) => !Number.isFinite(v))) throw new RangeError('cmnInit must be 13 finite numbers');
  let model: Promise<PocketsphinxModelPaths> | undefined;
  let dictionary: Promise<Set<string>> | undefined;
  const warned = new Set<string>();

  const paths = (): Promise<PocketsphinxModelPaths> => {
    model ??= prepareModel(modelDir, workDir, cmnInit);
    model.catch(() => (model = undefined)); // a later connect retries (the package may get installed)
    return model;
  };

  async function keyphrasesFor(phrases: readonly string[], dictPath: string): Promise<{ phrases: string[]; skipped: string[] }> {
    dictionary ??= loadDictionaryWords(dictPath);
    const plan = planKeyphrases(phrases, await dictionary);
    const fresh = plan.unknownWords.filter((w) => !warned.has(w) && warned.size < MAX_WARNED_WORDS);
    fresh.forEach((w) => warned.add(w));
    if (fresh.length > 0) {
      cfg.logger?.warn(
        { words: fresh.slice(0, 20).map((w) => w.slice(0, 40)), count: fresh.length, skippedPhrases: plan.skippedPhrases.length },
        'pocketsphinx: phrases with words not in the dictionary are not spotted',
      );
    }
    if (plan.phrases.length === 0) {
      throw new SpeechInputError(`no phrase can be spotted: words not in the pocketsphinx dictionary: ${plan.unknownWords.slice(0, 20).map((w) => w.slice(0, 40)).join(', ')}`);
    }
    return { phrases: plan.phrases, skipped: plan.skippedPhrases };
  }

  async function grammarFor(phrases: readonly string[], dictPath: string): Promise<string[]> {
    dictionary ??= loadDictionaryWords(dictPath);
    const plan = planGrammar(phrases, await dictionary);
    const fresh = plan.unknownWords.filter((w) => !warned.has(w) && warned.size < MAX_WARNED_WORDS);
    fresh.forEach((w) => warned.add(w));
    if (fresh.length > 0) {
      cfg.logger?.warn(
        { words: fresh.slice(0, 20).map((w) => w.slice(0, 40)), count: fresh.length, fallback: plan.phrases.length === 0 ? 'continuous' : undefined },
        'pocketsphinx: phrase words not in the dictionary are left out of the grammar',
      );
    }
    return plan.phrases;
  }

  return {
    name: 'pocketsphinx',
    async connect(options) {
      const stream = new Stream(options, {
        maxPendingBytes: cfg.maxPendingBytes ?? 64 * 1024,
        flushSilenceMs: cfg.flushSilenceMs ?? 700,
        closeTimeoutMs: cfg.closeTimeoutMs ?? 2000,
      });
      const files: string[] = [];
      try {
        if (!(await findProgram(program))) {
          throw new SpeechEngineUnavailableError(`${program} was not found (or is not executable): ${INSTALL_HINT}, or set the program path`);
        }
        const p = await paths();
        const wanted = mode !== 'continuous' && options.phrases && options.phrases.length > 0 ? options.phrases : undefined;
        const id = randomUUID();
        let search: Search = { kind: 'lm', args: ['-lm', p.lm] };
        if (wanted && cfg.kws) {
          const { phrases, skipped } = await keyphrasesFor(wanted, p.dict);
          const file = join(workDir, `hookline-kws-${id}.txt`);
          files.push(file);
          await writeFile(file, kwsList(phrases, cfg.kws.threshold));
          search = { kind: 'kws', file, skipped, args: ['-kws', file, '-kws_plp', cfg.kws.plp.toExponential()] };
        } else if (wanted) {
          const phrases = await grammarFor(wanted, p.dict);
          if (phrases.length > 0) {
            const file = join(workDir, `hookline-grammar-${id}.gram`);
            files.push(file);
            await writeFile(file, jsgfGrammar(phrases));
            search = { kind: 'grammar', file, args: ['-jsgf', file] };
          }
        }
        const fifo = join(workDir, `hookline-audio-${id}.fifo`);
        files.push(fifo);
        await execFileAsync('mkfifo', ['-m', '600', fifo]);
        stream.start(program, ['-hmm', p.hmm, '-dict', p.dict, ...search.args, '-time', 'yes', '-logfn', '/dev/null'], search, fifo);
      } catch (err) {
        await Promise.all(files.map((f) => rm(f, { force: true })));
        stream.fail(err instanceof Error ? err : new Error(String(err)));
      }
      return stream;
    },
  };
}

/** The program's path if it can be executed (checked before making files for it). */
async function findProgram(program: string): Promise<string | undefined> {
  const candidates = program.includes('/') ? [program] : (process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== '').map((d) => join(d, program));
  for (const path of candidates) {
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // next
    }
  }
  return undefined;
}

/** The search a program runs and the file it reads (removed with the stream). */
interface Search {
  kind: 'grammar' | 'kws' | 'lm';
  args: string[];
  file?: string;
  skipped?: string[];
}

interface StreamLimits {
  maxPendingBytes: number;
  flushSilenceMs: number;
  closeTimeoutMs: number;
}

/** Caller time minus program time changes where we insert silence or drop audio. */
interface TimeShift {
  atProgramMs: number;
  deltaMs: number;
}
const MAX_SHIFTS = 256;

class Stream implements PocketsphinxAsrStream {
  search: 'grammar' | 'kws' | 'lm' = 'lm';
  skippedPhrases: readonly string[] = [];
  droppedBytes = 0;
  private child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  private readonly upsampler = new UlawToPcm16k();
  private parser = new PocketsphinxOutputParser();
  private state: 'starting' | 'running' | 'closing' | 'done' = 'starting';
  private programMs = 0;
  private baseShiftMs = 0;
  private shifts: TimeShift[] = [];
  private stderr = '';
  private searchFile: string | undefined;
  private fifo: string | undefined;
  private input: Socket | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly onAbort = (): void => this.kill();

  constructor(private readonly options: AsrSessionOptions, private readonly limits: StreamLimits) {
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  start(program: string, args: string[], search: Search, fifo: string): void {
    this.searchFile = search.file;
    this.fifo = fifo;
    this.search = search.kind;
    this.skippedPhrases = search.skipped ?? [];
    this.parser = new PocketsphinxOutputParser({ keyphrases: search.kind === 'kws' });
    if (this.options.signal?.aborted || this.state !== 'starting') {
      this.finish();
      void this.cleanup();
      return;
    }
    const input = new Socket({ fd: openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK), readable: false, writable: true });
    input.on('error', () => undefined); // the program's exit reports what went wrong
    this.input = input;
    const child = spawn(program, [...args, '-infile', fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.state = 'running';
    this.exited = new Promise((resolve) => {
      child.once('error', (err) => {
        const code = (err as NodeJS.ErrnoException).code;
        this.fail(
          code === 'ENOENT' || code === 'EACCES'
            ? new SpeechEngineUnavailableError(`${program} cannot be run (${code}): ${INSTALL_HINT}, or set the program path`)
            : new SpeechEngineError(`${program} failed to start: ${err.message}`),
        );
        resolve();
      });
      child.once('close', (code, signal) => {
        if (!this.options.signal?.aborted) this.emitResults(this.parser.end());
        if (this.state === 'running' && !this.options.signal?.aborted) {
          this.fail(new SpeechEngineError(`${program} stopped unexpectedly (${signal ?? `exit code ${code}`}): ${this.stderr.trim() || 'no message'}`));
        }
        this.finish();
        void this.cleanup(); // also when the call was aborted and close() never comes
        resolve();
      });
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => this.emitResults(this.parser.push(text)));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      this.stderr = (this.stderr + s).slice(-STDERR_TAIL);
    });
  }

  send(audio: Uint8Array): void {
    const pcm = this.upsampler.push(audio);
    if (!this.write(pcm)) {
      this.droppedBytes += audio.length;
      this.shift(audio.length / 8);
    }
  }

  endUtterance(): void {
    const silence = new Int16Array(this.limits.flushSilenceMs * 16);
    if (this.write(silence)) this.shift(-this.limits.flushSilenceMs, this.programMs - this.limits.flushSilenceMs);
  }

  async close(): Promise<void> {
    if (this.state === 'running' && this.child) {
      this.state = 'closing';
      this.input?.end(); // EOF: the program prints the last utterance and exits
      const timer = setTimeout(() => this.kill(), this.limits.closeTimeoutMs);
      timer.unref();
      await this.exited;
      clearTimeout(timer);
    } else if (this.state === 'starting') {
      this.state = 'done';
    }
    await this.exited;
    await this.cleanup();
  }

  /** Start failure or a program that died: one `error` event, then the stream is inert. */
  fail(error: Error): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.emit({ type: 'error', error });
    this.kill();
    void this.cleanup();
  }

  private write(pcm: Int16Array): boolean {
    const input = this.input;
    if (this.state !== 'running' || !input || input.destroyed) return false;
    if (input.writableLength + pcm.byteLength > this.limits.maxPendingBytes) return false;
    input.write(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    this.programMs += pcm.length / 16;
    return true;
  }

  private shift(deltaMs: number, atProgramMs = this.programMs): void {
    this.shifts.push({ atProgramMs, deltaMs });
    if (this.shifts.length > MAX_SHIFTS) this.baseShiftMs += (this.shifts.shift() as TimeShift).deltaMs;
  }

  /** Program time → caller time: add every shift made at or before it. */
  private callerMs(programSec: number): number {
    const t = programSec * 1000;
    let ms = t + this.baseShiftMs;
    for (const s of this.shifts) if (s.atProgramMs <= t) ms += s.deltaMs;
    return Math.max(0, Math.round(ms));
  }

  private emitResults(results: PocketsphinxResult[]): void {
    for (const r of results) {
      const event: AsrEvent & { type: 'final' } = { type: 'final', text: r.text };
      if (r.confidence !== undefined) event.confidence = r.confidence;
      if (r.startSec !== undefined) event.startMs = this.callerMs(r.startSec);
      if (r.endSec !== undefined) event.endMs = this.callerMs(r.endSec);
      this.emit(event);
    }
  }

  private emit(event: AsrEvent): void {
    try {
      this.options.listener(event);
    } catch {
      // The listener must not throw (types.ts); if it does, the stream carries on.
    }
  }

  private kill(): void {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  private finish(): void {
    this.state = 'done';
    this.options.signal?.removeEventListener('abort', this.onAbort);
  }

  private async cleanup(): Promise<void> {
    this.input?.destroy();
    const files = [this.searchFile, this.fifo];
    this.searchFile = undefined;
    this.fifo = undefined;
    await Promise.all(files.map((f) => (f ? rm(f, { force: true }) : undefined)));
  }
}

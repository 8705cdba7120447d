/** espeak-ng speech for the speech-engine tests (the programs are Debian packages CI installs). */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PcmToUlaw8k, parseWav } from '../../../src/audio/index.js';

export const HAVE_ESPEAK = spawnSync('espeak-ng', ['--version']).status === 0;
export const POCKETSPHINX_MODEL = '/usr/share/pocketsphinx/model/en-us';
export const HAVE_POCKETSPHINX = spawnSync('pocketsphinx_continuous', ['-h'], { stdio: 'ignore' }).error === undefined && existsSync(`${POCKETSPHINX_MODEL}/en-us`);

export function warnSkip(what: string, have: boolean): void {
  if (!have) console.warn(`SKIPPED: ${what} is not installed (Debian package; CI installs it)`);
}

/** espeak-ng's own output: a 22.05 kHz 16-bit mono WAV. */
export function espeakWav(text: string, wordsPerMinute = 165): Buffer {
  return execFileSync('espeak-ng', ['--stdout', '--stdin', '-v', 'en-us', '-s', String(wordsPerMinute)], { input: text });
}

export function wavSamples(wav: Buffer): { rate: number; samples: Int16Array } {
  const p = parseWav(wav);
  const body = Buffer.from(wav.subarray(p.dataOffset, p.dataOffset + p.dataBytes));
  return { rate: p.rate, samples: new Int16Array(body.buffer, body.byteOffset, body.byteLength >> 1) };
}

/** What the bridge would receive from Genesys if a caller said `text`: 8 kHz µ-law. */
export function spokenUlaw(text: string, wordsPerMinute = 165): Uint8Array {
  const { rate, samples } = wavSamples(espeakWav(text, wordsPerMinute));
  return new PcmToUlaw8k(rate).push(samples);
}

/** Child processes of this process running `name` (ps, so the check sees the OS, not our bookkeeping). */
export function childProcesses(name: string): string[] {
  const r = spawnSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.includes(name));
}

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

/** Processes below this one (children, grandchildren...) running `name`: ps, so the check sees the OS, not our bookkeeping. */
export function childProcesses(name: string): string[] {
  const r = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' });
  const rows = r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3)
    .map(([pid, ppid, ...comm]) => ({ pid: Number(pid), ppid: Number(ppid), comm: comm.join(' ') }));
  const ours = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) {
      if (ours.has(row.ppid) && !ours.has(row.pid)) {
        ours.add(row.pid);
        grew = true;
      }
    }
  }
  return rows.filter((row) => row.pid !== process.pid && ours.has(row.pid) && row.comm.includes(name)).map((row) => `${row.pid} ${row.comm}`);
}

/**
 * What pocketsphinx needs beside audio: a copy of the acoustic model tuned to
 * telephone audio, the pronunciation dictionary's word list, and a JSGF
 * grammar built from the bot's phrases.
 *
 * Why a tuned copy: the Debian en-us model is wideband (16 kHz) and its
 * feat.params sets the initial cepstral mean (`-cmninit`) for wideband speech,
 * overriding the command line. Telephone audio upsampled from 8 kHz has
 * nothing above 4 kHz, so its cepstral mean is far from that; the live mean
 * only catches up after the first utterance, which is then lost (a grammar
 * search ends with "Final result does not match the grammar"). A directory
 * of symlinks to the model's files with our own feat.params fixes the first
 * utterance without touching the installed package.
 */
import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, readFile, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SpeechEngineUnavailableError } from './errors.js';

/** Cepstral mean of 8 kHz-band speech upsampled to 16 kHz (measured on espeak-ng phrases through µ-law). */
export const NARROWBAND_CMN_INIT: readonly number[] = [32.71, 10.9, -29.43, 26.91, -20.04, -0.4, 0.74, -22.38, 14.34, -7.32, 4.34, 0.33, -15.84];

export interface PocketsphinxModelPaths {
  hmm: string;
  dict: string;
  lm: string;
}

const INSTALL_HINT = 'install the Debian packages pocketsphinx and pocketsphinx-en-us';

/** Checks the installed model and returns the tuned copy's paths (created once under workDir, shared by processes). */
export async function prepareModel(modelDir: string, workDir: string, cmnInit: readonly number[]): Promise<PocketsphinxModelPaths> {
  const source = join(modelDir, 'en-us');
  const dict = join(modelDir, 'cmudict-en-us.dict');
  const lm = join(modelDir, 'en-us.lm.bin');
  for (const path of [join(source, 'feat.params'), dict, lm]) {
    try {
      await access(path);
    } catch {
      throw new SpeechEngineUnavailableError(`pocketsphinx model file ${path} is missing: ${INSTALL_HINT}, or set modelDir`);
    }
  }
  const params = (await readFile(join(source, 'feat.params'), 'utf8'))
    .split('\n')
    .filter((l) => !l.startsWith('-cmninit'))
    .concat(`-cmninit ${cmnInit.map((v) => v.toFixed(2)).join(',')}`)
    .join('\n');
  const tag = createHash('sha256').update(source).update('\0').update(params).digest('hex').slice(0, 16);
  const hmm = join(workDir, `hookline-pocketsphinx-${tag}`);
  try {
    await access(join(hmm, 'feat.params'));
    return { hmm, dict, lm };
  } catch {
    // not there yet: build it below
  }
  // Built aside and renamed into place, so concurrent builders never see half a directory.
  const staging = `${hmm}.${randomUUID()}`;
  await mkdir(staging, { recursive: true });
  try {
    for (const name of await readdir(source)) {
      if (name !== 'feat.params') await symlink(join(source, name), join(staging, name));
    }
    await writeFile(join(staging, 'feat.params'), `${params}\n`);
    await rename(staging, hmm).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST' && err.code !== 'ENOTEMPTY') throw err;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { hmm, dict, lm };
}

/** The dictionary's words (alternative pronunciations `word(2)` folded into `word`). */
export async function loadDictionaryWords(dictPath: string): Promise<Set<string>> {
  const words = new Set<string>();
  for (const line of (await readFile(dictPath, 'utf8')).split('\n')) {
    const end = line.indexOf(' ');
    if (end <= 0) continue;
    words.add(line.slice(0, end).replace(/\(\d+\)$/, ''));
  }
  return words;
}

export interface GrammarPlan {
  /** The phrases as the grammar has them (lower case, only dictionary words), without duplicates. */
  phrases: string[];
  /** Words left out because the dictionary has no pronunciation for them. */
  unknownWords: string[];
}

/** Lower case, punctuation other than apostrophes dropped, words the dictionary lacks dropped. */
export function planGrammar(phrases: readonly string[], dictionary: ReadonlySet<string>): GrammarPlan {
  const kept = new Set<string>();
  const unknown = new Set<string>();
  for (const phrase of phrases) {
    const words = phrase
      .toLowerCase()
      .replace(/[^a-z0-9' ]+/g, ' ')
      .split(/\s+/)
      .filter((w) => w !== '');
    const known = words.filter((w) => {
      const ok = dictionary.has(w);
      if (!ok) unknown.add(w);
      return ok;
    });
    if (known.length > 0) kept.add(known.join(' '));
  }
  return { phrases: [...kept], unknownWords: [...unknown] };
}

/** A JSGF grammar accepting exactly one of the phrases per utterance. */
export function jsgfGrammar(phrases: readonly string[]): string {
  if (phrases.length === 0) throw new RangeError('a grammar needs at least one phrase');
  return `#JSGF V1.0;\ngrammar hookline;\npublic <phrase> = ${phrases.map((p) => `( ${p} )`).join(' | ')};\n`;
}

export interface KeyphrasePlan {
  /** Phrases to spot (lower case, punctuation dropped), without duplicates. */
  phrases: string[];
  /** Configured phrases left out whole, because a word of theirs is not in the dictionary. */
  skippedPhrases: string[];
  unknownWords: string[];
}

/**
 * Keyword spotting must hear the whole phrase: unlike a grammar, a phrase with
 * a word missing from the dictionary is left out whole (spotting what is left
 * of "cancel my zorblax" would fire on "cancel my …").
 */
export function planKeyphrases(phrases: readonly string[], dictionary: ReadonlySet<string>): KeyphrasePlan {
  const kept = new Set<string>();
  const skipped: string[] = [];
  const unknown = new Set<string>();
  for (const phrase of phrases) {
    const words = normalizePhrase(phrase);
    const missing = words.filter((w) => !dictionary.has(w));
    missing.forEach((w) => unknown.add(w));
    if (missing.length > 0) skipped.push(phrase);
    else if (words.length > 0) kept.add(words.join(' '));
  }
  return { phrases: [...kept], skippedPhrases: skipped, unknownWords: [...unknown] };
}

/** A phrase's words as the dictionary spells them: lower case, punctuation other than apostrophes dropped. */
export function normalizePhrase(phrase: string): string[] {
  return phrase
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, ' ')
    .split(/\s+/)
    .filter((w) => w !== '');
}

/**
 * The `-kws` keyphrase file: one phrase a line with its detection threshold
 * between slashes (CMUSphinx tutorial "Keyword spotting",
 * https://cmusphinx.github.io/wiki/tutoriallm/#keyword-lists).
 */
export function kwsList(phrases: readonly string[], threshold: (phrase: string) => number): string {
  if (phrases.length === 0) throw new RangeError('a keyphrase list needs at least one phrase');
  return phrases
    .map((p) => {
      const t = threshold(p);
      if (!(t > 0 && t <= 1)) throw new RangeError(`keyphrase threshold for "${p.slice(0, 80)}" must be in (0, 1], got ${t}`);
      return `${p} /${t.toExponential()}/\n`;
    })
    .join('');
}

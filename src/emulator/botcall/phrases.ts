/**
 * The caller phrases bot calls speak (fixtures/speech/caller, made by
 * scripts/make-caller-fixtures.sh): raw 8 kHz mono µ-law with the text and
 * the measured speech span of each, so a test can tell when the caller's
 * voice starts and compare an ASR result with the known text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { errorMessage } from '../../platform/util/error-message.js';
import { FixtureError } from '../audio/fixtures.js';

/** src/emulator/botcall and dist/emulator/botcall are both three levels below the package root. */
export const DEFAULT_CALLER_DIR = fileURLToPath(new URL('../../../fixtures/speech/caller/', import.meta.url));

export const phraseSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/),
  file: z.string(),
  text: z.string(),
  durationMs: z.number().positive(),
  speechStartMs: z.number().min(0),
  speechEndMs: z.number().positive(),
});

export type PhraseInfo = z.infer<typeof phraseSchema>;
export interface Phrase extends PhraseInfo {
  audio: Uint8Array;
}

export type Phrases = ReadonlyMap<string, Phrase>;

export function loadCallerPhrases(dir = DEFAULT_CALLER_DIR): Phrases {
  let manifest: PhraseInfo[];
  try {
    manifest = z.array(phraseSchema).parse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  } catch (err) {
    throw new FixtureError(`cannot read caller phrases in ${dir} (${errorMessage(err)}); run scripts/make-speech-fixtures.sh caller`);
  }
  const out = new Map<string, Phrase>();
  for (const p of manifest) {
    const audio = new Uint8Array(readFileSync(join(dir, p.file)));
    if (audio.length !== Math.round(p.durationMs * 8)) throw new FixtureError(`${p.file}: ${audio.length} bytes, manifest says ${p.durationMs} ms`);
    out.set(p.name, { ...p, audio });
  }
  return out;
}

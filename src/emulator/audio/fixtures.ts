/**
 * The speech clips under fixtures/speech (made by scripts/make-speech-fixtures.sh):
 * 8 kHz mono µ-law phrases for the customer and the agent.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseWav } from '../../audio/index.js';
import { errorMessage } from '../../platform/util/error-message.js';

export interface SpeechClips {
  customer: Uint8Array[];
  agent: Uint8Array[];
}

export class FixtureError extends Error {
  override readonly name = 'FixtureError';
}

/** src/emulator/audio and dist/emulator/audio are both three levels below the package root. */
export const DEFAULT_SPEECH_DIR = fileURLToPath(new URL('../../../fixtures/speech/', import.meta.url));
/** Whole-call audio with known content (fixtures/analysis/truth.json): raw 8 kHz µ-law, stereo [customer, agent]. */
export const DEFAULT_CALL_AUDIO_DIR = fileURLToPath(new URL('../../../fixtures/analysis/', import.meta.url));

const manifestSchema = z.array(z.object({ role: z.string(), file: z.string() }));

/** A fixture call's audio, one clip per party. The name is checked, so it never leaves the fixture directory. */
export function loadCallAudio(name: string, dir = DEFAULT_CALL_AUDIO_DIR): SpeechClips & { durationMs: number } {
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(name)) throw new FixtureError(`call audio "${name}": must be lower-case letters, digits and -`);
  let buf: Buffer;
  try {
    buf = readFileSync(join(dir, `${name}.ulaw`));
  } catch (err) {
    throw new FixtureError(`no call audio "${name}" in ${dir} (${errorMessage(err)})`);
  }
  const samples = Math.floor(buf.length / 2);
  const customer = new Uint8Array(samples);
  const agent = new Uint8Array(samples);
  for (let i = 0; i < samples; i++) {
    customer[i] = buf[2 * i] as number;
    agent[i] = buf[2 * i + 1] as number;
  }
  return { customer: [customer], agent: [agent], durationMs: samples / 8 };
}

export function loadSpeechClips(dir = DEFAULT_SPEECH_DIR): SpeechClips {
  let manifest: z.infer<typeof manifestSchema>;
  try {
    manifest = manifestSchema.parse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  } catch (err) {
    throw new FixtureError(`cannot read speech fixtures in ${dir} (${errorMessage(err)}); run scripts/make-speech-fixtures.sh`);
  }
  const clips: SpeechClips = { customer: [], agent: [] };
  for (const e of manifest) {
    if (e.role !== 'customer' && e.role !== 'agent') throw new FixtureError(`${e.file}: unknown role ${e.role}`);
    const buf = readFileSync(join(dir, e.file));
    const wav = parseWav(buf);
    if (wav.format !== 'PCMU' || wav.channels !== 1 || wav.rate !== 8000) {
      throw new FixtureError(`${e.file}: need 8 kHz mono µ-law (got ${wav.format} ${wav.channels} ch ${wav.rate} Hz)`);
    }
    clips[e.role].push(new Uint8Array(buf.subarray(wav.dataOffset, wav.dataOffset + wav.dataBytes)));
  }
  if (clips.customer.length === 0 || clips.agent.length === 0) throw new FixtureError(`${dir}: need at least one customer and one agent clip`);
  return clips;
}

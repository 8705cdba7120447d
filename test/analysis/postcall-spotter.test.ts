/**
 * Post-call phrase spotting: the live recognizer (pocketsphinx keyword
 * spotting) fed the stored recording at a multiple of real time finds the
 * rule phrase where the fixture says it was spoken, and the worker turns the
 * hit into the phrase rule's finding.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analysisSchema } from '../../src/analysis/config.js';
import { createSpeechAnalyzerFactory, postCallSpeech, speechSpotter, type PhraseHit } from '../../src/analysis/index.js';
import { decodeRecording } from '../../src/analysis/postcall/recording.js';
import { wavHeader } from '../../src/audio/index.js';
import { tempDir } from '../helpers/tmp.js';
import { HAVE_POCKETSPHINX, warnSkip } from '../voicebot/speech/helpers.js';

warnSkip('pocketsphinx (pocketsphinx_continuous + pocketsphinx-en-us)', HAVE_POCKETSPHINX);

const DIR = join(process.cwd(), 'fixtures', 'analysis');
const truth = JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as { calls: { name: string; phrases: { party: string; phrase: string; startMs: number; endMs: number }[] }[] };
const PHRASES = ['cancel my contract', 'speak to a manager'];

const recording = (name: string) => {
  const body = readFileSync(join(DIR, `${name}.ulaw`));
  return decodeRecording(Buffer.concat([wavHeader({ format: 'PCMU', channels: 2, rate: 8000 }, body.length), body]), 'WAV_ULAW');
};

describe.skipIf(!HAVE_POCKETSPHINX)('post-call phrase spotting', () => {
  it('finds the phrase in the stored recording within ±300 ms of where it was said, and nothing in a call without it', async () => {
    const t = tempDir();
    let dropped = 0;
    try {
      // The post-call engine settings as serve builds them (the live engine's, with the post-call lag bound).
      const config = analysisSchema.parse({});
      const factory = createSpeechAnalyzerFactory(postCallSpeech(config), { workDir: t.dir, drops: { inc: (n = 1) => (dropped += n) } });
      const spot = speechSpotter(factory, config.postCall.speechSpeed);
      const call = { tenant: randomUUID(), conversationId: randomUUID() };
      const hits = await spot(call, recording('cancel-call'), { customer: PHRASES, agent: PHRASES });
      const said = truth.calls.find((c) => c.name === 'cancel-call')!.phrases[0]!;
      expect(hits.map((h: PhraseHit) => [h.party, h.phrase])).toEqual([['customer', 'cancel my contract']]);
      expect(Math.abs(hits[0]!.startMs - said.startMs)).toBeLessThanOrEqual(300);
      expect(Math.abs(hits[0]!.endMs - said.endMs)).toBeLessThanOrEqual(300);
      expect(await spot(call, recording('clean-call'), { customer: PHRASES, agent: PHRASES })).toEqual([]);
      expect(dropped).toBe(0);
    } finally {
      t.cleanup();
    }
  }, 60_000);
});

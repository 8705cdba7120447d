import { describe, expect, it } from 'vitest';
import { PocketsphinxOutputParser } from '../../../src/voicebot/speech/pocketsphinx-output.js';
import { jsgfGrammar, kwsList, planGrammar, planKeyphrases } from '../../../src/voicebot/speech/pocketsphinx-model.js';

describe('pocketsphinx output parser', () => {
  it('turns a hypothesis and its segment lines into one result with times and mean posterior of the words', () => {
    const p = new PocketsphinxOutputParser();
    const out = p.push('i want\n<s> 0.000 0.050 0.999800\ni 0.060 0.210 0.8\n<sil> 0.220 0.470 0.99\nwant 0.480 0.630 0.4\n</s> 0.640 1.300 1.000000\n');
    expect(out).toEqual([{ text: 'i want', confidence: 0.6000000000000001, startSec: 0.06, endSec: 0.63 }]);
  });

  it('separates consecutive utterances, waits for a line’s newline, and ignores empty hypotheses', () => {
    const p = new PocketsphinxOutputParser();
    expect(p.push('goodbye\ngoodbye 0.49 1.05 1.0\n\n<sil> 1.1 1.5 1.0\nopening ho')).toEqual([{ text: 'goodbye', confidence: 1, startSec: 0.49, endSec: 1.05 }]);
    expect(p.push('urs\nopening 2.57 3.13 1.0\nhours 3.14 3.55 1.0\n')).toEqual([{ text: 'opening hours', confidence: 1, startSec: 2.57, endSec: 3.55 }]);
  });

  it('ignores segment lines whose hypothesis came in an earlier read, and flushes the rest at the end', () => {
    const p = new PocketsphinxOutputParser();
    expect(p.push('goodbye 0.49 1.05 1.0\n')).toEqual([]);
    expect(p.push('talk to an agent')).toEqual([]);
    expect(p.end()).toEqual([{ text: 'talk to an agent' }]);
  });
});

describe('keyword grammar', () => {
  it('keeps dictionary words (lower case, punctuation dropped), reports the others, and dedupes', () => {
    const dict = new Set(['check', 'my', 'balance', "don't", 'go']);
    expect(planGrammar(['Check my balance!', 'check  MY balance', "Don't go, Zorblax", 'Zorblax'], dict)).toEqual({
      phrases: ['check my balance', "don't go"],
      unknownWords: ['zorblax'],
    });
  });

  it('writes a JSGF alternative of the phrases and refuses an empty one', () => {
    expect(jsgfGrammar(['goodbye', 'opening hours'])).toBe('#JSGF V1.0;\ngrammar hookline;\npublic <phrase> = ( goodbye ) | ( opening hours );\n');
    expect(() => jsgfGrammar([])).toThrow(/at least one phrase/);
  });
});

describe('keyword spotting (-kws)', () => {
  it('parses each detection line (the keyphrase, two spaces, times, posterior) as its own result and ignores the hypothesis line', () => {
    const p = new PocketsphinxOutputParser({ keyphrases: true });
    expect(p.push('speak to a manager cancel my contract\ncancel my contract  27.320 28.690 0.821583\nspeak to a')).toEqual([
      { text: 'cancel my contract', confidence: 0.821583, startSec: 27.32, endSec: 28.69 },
    ]);
    expect(p.push(' manager  9.370 10.300 0.895554\n')).toEqual([{ text: 'speak to a manager', confidence: 0.895554, startSec: 9.37, endSec: 10.3 }]);
    expect(p.end()).toEqual([]);
  });

  it('leaves out a phrase whole when a word of it is not in the dictionary, and reports it', () => {
    const dict = new Set(['cancel', 'my', 'contract', 'speak', 'to', 'a', 'manager']);
    expect(planKeyphrases(['Cancel my contract!', 'cancel my zorblax', 'speak to a manager', 'CANCEL MY CONTRACT'], dict)).toEqual({
      phrases: ['cancel my contract', 'speak to a manager'],
      skippedPhrases: ['cancel my zorblax'],
      unknownWords: ['zorblax'],
    });
  });

  it('writes one phrase a line with its threshold, and refuses thresholds outside (0, 1]', () => {
    expect(kwsList(['cancel my contract', 'goodbye'], (p) => (p === 'goodbye' ? 1e-5 : 1e-15))).toBe('cancel my contract /1e-15/\ngoodbye /1e-5/\n');
    expect(() => kwsList(['goodbye'], () => 0)).toThrow(/threshold for "goodbye" must be in \(0, 1\]/);
    expect(() => kwsList([], () => 1e-5)).toThrow(/at least one phrase/);
  });
});

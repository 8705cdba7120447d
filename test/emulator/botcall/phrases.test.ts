/**
 * The caller phrases are what their manifest says: raw µ-law files of the
 * stated length, speech inside the measured span and silence-level audio
 * outside it.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ulawDecode } from '../../../src/audio/index.js';
import { DEFAULT_CALLER_DIR, loadCallerPhrases } from '../../../src/emulator/botcall/phrases.js';

const phrases = loadCallerPhrases();
const rms = (a: Uint8Array) => Math.sqrt(ulawDecode(a).reduce((s, v) => s + v * v, 0) / Math.max(1, a.length));

describe('caller phrases', () => {
  it('has the phrases the bot-call scripts use, one file each, nothing unlisted', () => {
    expect([...phrases.keys()].sort()).toEqual(['goodbye', 'long-question', 'no', 'opening-hours', 'order-status', 'talk-to-agent', 'yes']);
    expect(readdirSync(DEFAULT_CALLER_DIR).filter((f) => f.endsWith('.ulaw')).sort()).toEqual([...phrases.values()].map((p) => p.file).sort());
    expect(phrases.get('opening-hours')?.text).toBe('What are your opening hours?');
  });

  it('each file is as long as the manifest says, and the speech span is measured: loud inside, quiet outside', () => {
    for (const p of phrases.values()) {
      expect(p.audio.length, p.name).toBe(p.durationMs * 8);
      expect(p.speechStartMs, p.name).toBeGreaterThan(0);
      expect(p.speechEndMs, p.name).toBeLessThan(p.durationMs);
      const start = p.speechStartMs * 8;
      const end = p.speechEndMs * 8;
      expect(rms(p.audio.subarray(0, start)), `${p.name} before speech`).toBeLessThan(300);
      expect(rms(p.audio.subarray(end)), `${p.name} after speech`).toBeLessThan(300);
      expect(rms(p.audio.subarray(start, start + 80)), `${p.name} first window`).toBeGreaterThan(300);
      expect(rms(p.audio.subarray(start, end)), `${p.name} speech`).toBeGreaterThan(1000);
    }
    expect(phrases.get('long-question')?.durationMs).toBeGreaterThan(5000);
  });
});

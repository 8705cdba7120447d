import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWav, toneUlaw, ulawDecode, ulawEncode, wavHeader } from '../../src/audio/index.js';
import { tempDir } from '../helpers/tmp.js';

describe('WAV headers', () => {
  it('writes µ-law and PCM headers that parse back and that sox accepts', () => {
    const t = tempDir();
    try {
      const audio = toneUlaw([440, 660], 0.5);
      const mulaw = Buffer.concat([wavHeader({ format: 'PCMU', channels: 2, rate: 8000 }, audio.length), audio]);
      const p = parseWav(mulaw);
      expect(p).toMatchObject({ format: 'PCMU', channels: 2, rate: 8000, dataOffset: 58, dataBytes: audio.length });
      const pcm = Buffer.alloc(1600);
      const l16 = Buffer.concat([wavHeader({ format: 'L16', channels: 1, rate: 8000 }, pcm.length), pcm]);
      expect(parseWav(l16)).toMatchObject({ format: 'L16', channels: 1, dataOffset: 44, dataBytes: 1600 });
      const file = join(t.dir, 'a.wav');
      writeFileSync(file, mulaw);
      const soxi = execFileSync('soxi', [file]).toString();
      expect(soxi).toMatch(/Channels\s*:\s*2/);
      expect(soxi).toMatch(/Sample Rate\s*:\s*8000/);
      expect(soxi).toMatch(/u-law/);
      expect(soxi).toMatch(/Duration\s*:\s*00:00:00\.50/);
    } finally {
      t.cleanup();
    }
  });
});

describe('µ-law', () => {
  it('decodes every code and re-encodes to the same code (except negative zero)', () => {
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const pcm = ulawDecode(codes);
    const back = ulawEncode(pcm);
    for (let i = 0; i < 256; i++) if (i !== 0x7f) expect(back[i]).toBe(i);
    expect(pcm[0xff]).toBe(0);
    expect(pcm[0x00]).toBe(-32124);
    expect(pcm[0x80]).toBe(32124);
  });
});

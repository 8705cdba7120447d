/**
 * Streaming WAV headers: written first with placeholder sizes, patched when the
 * stream ends (wavefile and friends hold whole files in memory, which a
 * recorder of hour-long calls must not).
 */
import type { FileHandle } from 'node:fs/promises';
import { bytesPerSample } from '../protocol/audiohook/index.js';

export type WavFormat = 'PCMU' | 'L16';

export interface WavSpec {
  format: WavFormat;
  channels: number;
  rate: number;
}

/** µ-law uses WAVE_FORMAT_MULAW (7) with cbSize and a fact chunk: 58 bytes. PCM: 44 bytes. */
export function wavHeaderLength(format: WavFormat): number {
  return format === 'PCMU' ? 58 : 44;
}

export function wavHeader(spec: WavSpec, dataBytes: number): Buffer {
  const bps = bytesPerSample(spec.format);
  const blockAlign = bps * spec.channels;
  const mulaw = spec.format === 'PCMU';
  const h = Buffer.alloc(wavHeaderLength(spec.format));
  let o = 0;
  o += h.write('RIFF', o, 'ascii');
  o = h.writeUInt32LE(h.length - 8 + dataBytes, o);
  o += h.write('WAVE', o, 'ascii');
  o += h.write('fmt ', o, 'ascii');
  o = h.writeUInt32LE(mulaw ? 18 : 16, o);
  o = h.writeUInt16LE(mulaw ? 7 : 1, o);
  o = h.writeUInt16LE(spec.channels, o);
  o = h.writeUInt32LE(spec.rate, o);
  o = h.writeUInt32LE(spec.rate * blockAlign, o);
  o = h.writeUInt16LE(blockAlign, o);
  o = h.writeUInt16LE(bps * 8, o);
  if (mulaw) {
    o = h.writeUInt16LE(0, o); // cbSize
    o += h.write('fact', o, 'ascii');
    o = h.writeUInt32LE(4, o);
    o = h.writeUInt32LE(Math.floor(dataBytes / blockAlign), o);
  }
  o += h.write('data', o, 'ascii');
  h.writeUInt32LE(dataBytes, o);
  return h;
}

/** Rewrites the header of an open file once the data length is known. */
export async function patchWavHeader(fh: FileHandle, spec: WavSpec, dataBytes: number): Promise<void> {
  const header = wavHeader(spec, dataBytes);
  await fh.write(header, 0, header.length, 0);
}

export interface ParsedWav extends WavSpec {
  dataOffset: number;
  dataBytes: number;
}

/** Reads the header of a WAV we (or sox/espeak) wrote: PCM 16-bit or µ-law. */
export function parseWav(buf: Buffer): ParsedWav {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let o = 12;
  let spec: WavSpec | undefined;
  while (o + 8 <= buf.length) {
    const id = buf.toString('ascii', o, o + 4);
    const size = buf.readUInt32LE(o + 4);
    if (id === 'fmt ') {
      const tag = buf.readUInt16LE(o + 8);
      const bits = buf.readUInt16LE(o + 22);
      const format: WavFormat | undefined = tag === 7 && bits === 8 ? 'PCMU' : tag === 1 && bits === 16 ? 'L16' : undefined;
      if (!format) throw new Error(`unsupported WAV format tag ${tag} / ${bits} bits`);
      spec = { format, channels: buf.readUInt16LE(o + 10), rate: buf.readUInt32LE(o + 12) };
    } else if (id === 'data') {
      if (!spec) throw new Error('WAV data before fmt');
      return { ...spec, dataOffset: o + 8, dataBytes: Math.min(size, buf.length - o - 8) };
    }
    o += 8 + size + (size % 2);
  }
  throw new Error('WAV has no data chunk');
}

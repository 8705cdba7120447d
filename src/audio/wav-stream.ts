/**
 * Reads a WAV arriving in pieces (a program's stdout): buffers only until the
 * `data` chunk begins, then passes the body through. Programs that stream WAV
 * (espeak-ng --stdout) cannot know the length up front and write placeholder
 * sizes, so the data chunk's size is ignored: the body is everything after it.
 */

export class WavFormatError extends Error {
  override readonly name = 'WavFormatError';
}

export interface WavStreamFormat {
  /** WAVE format tag: 1 = PCM, 7 = µ-law. */
  formatTag: number;
  channels: number;
  rate: number;
  bitsPerSample: number;
}

/** A header larger than this is not a speech program's WAV. */
const MAX_HEADER_BYTES = 64 * 1024;

export class WavStreamReader {
  private header: Buffer | undefined = Buffer.alloc(0);
  private fmt: WavStreamFormat | undefined;

  /** Known once the data chunk has begun. */
  get format(): WavStreamFormat | undefined {
    return this.header === undefined ? this.fmt : undefined;
  }

  /** Returns the body bytes in `chunk` (empty while the header is still arriving). */
  push(chunk: Uint8Array): Uint8Array {
    if (this.header === undefined) return chunk;
    const buf = Buffer.concat([this.header, chunk]);
    const bodyAt = this.findBody(buf);
    if (bodyAt === undefined) {
      if (buf.length > MAX_HEADER_BYTES) throw new WavFormatError(`no WAV data chunk within the first ${MAX_HEADER_BYTES} bytes`);
      this.header = buf;
      return new Uint8Array(0);
    }
    this.header = undefined;
    return buf.subarray(bodyAt);
  }

  /** Offset of the first body byte, or undefined if the header is not complete yet. */
  private findBody(buf: Buffer): number | undefined {
    if (buf.length < 12) return undefined;
    if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new WavFormatError('not a RIFF/WAVE stream');
    let o = 12;
    while (o + 8 <= buf.length) {
      const id = buf.toString('ascii', o, o + 4);
      const size = buf.readUInt32LE(o + 4);
      if (id === 'data') {
        if (!this.fmt) throw new WavFormatError('WAV data chunk before its fmt chunk');
        return o + 8;
      }
      if (id === 'fmt ') {
        if (o + 8 + 16 > buf.length) return undefined;
        this.fmt = {
          formatTag: buf.readUInt16LE(o + 8),
          channels: buf.readUInt16LE(o + 10),
          rate: buf.readUInt32LE(o + 12),
          bitsPerSample: buf.readUInt16LE(o + 22),
        };
      }
      if (size > MAX_HEADER_BYTES) throw new WavFormatError(`WAV chunk "${id.replace(/[^ -~]/g, '?')}" before data is ${size} bytes`);
      o += 8 + size + (size % 2);
    }
    return undefined;
  }
}

/**
 * One call as the receiver sees it, across reconnects: audio placed at its
 * timeline position in `<sessionId>.audio`, holes filled with silence at the
 * end, then `<sessionId>.wav` and `<sessionId>.json` written.
 */
import { open, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ULAW_SILENCE, wavHeader } from '../audio/index.js';
import { bytesPerSample, nanosToSamples, parseDuration, type Nanos } from '../protocol/audiohook/index.js';
import type { StreamMessage, StreamStart } from '../protocol/stream/index.js';
import { Ranges } from './ranges.js';

export class ReceivedSession {
  readonly messages: StreamMessage[] = [];
  readonly written = new Ranges();
  start: StreamStart;
  origin: Nanos;
  connections = 0;
  bytesReceived = 0;
  ended: Extract<StreamMessage, { type: 'end' }> | undefined;
  /** True once the WAV and JSON are on disk; `ended` is set earlier, when the message arrives. */
  finished = false;
  private cursor: Nanos;
  private file: Promise<FileHandle>;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly unit: number;

  constructor(start: StreamStart, readonly dir: string) {
    this.start = start;
    this.origin = parseDuration(start.position) ?? 0;
    this.cursor = this.origin;
    this.unit = bytesPerSample(start.media.format) * start.media.channels;
    this.file = open(this.path('audio'), 'w+');
    // Reported by finish(); without this an early failure would be an unhandled rejection.
    this.file.catch(() => undefined);
  }

  path(ext: 'audio' | 'wav' | 'json'): string {
    return join(this.dir, `${this.start.sessionId}.${ext}`);
  }

  /** A new connection for this session (the first, or a reconnect with replay). */
  restart(start: StreamStart): void {
    this.start = { ...start, position: this.start.position };
    this.cursor = parseDuration(start.position) ?? this.cursor;
    this.connections++;
  }

  onText(m: StreamMessage): void {
    this.messages.push(m);
    if (m.type === 'resumed' || m.type === 'discarded') this.cursor = parseDuration(m.position) ?? this.cursor;
    else if (m.type === 'gap') this.cursor = parseDuration(m.to) ?? this.cursor;
    else if (m.type === 'end') this.ended = m;
  }

  onAudio(data: Buffer): void {
    const offset = nanosToSamples(this.cursor - this.origin, this.start.media.rate) * this.unit;
    this.cursor += Math.round((data.length / this.unit) * (1e9 / this.start.media.rate));
    this.bytesReceived += data.length;
    if (offset < 0) return;
    this.written.add(offset, offset + data.length);
    this.chain = this.chain.then(async () => (await this.file).write(data, 0, data.length, offset));
    this.chain.catch(() => undefined); // finish() awaits the chain and reports its failure
  }

  /** Fills holes with silence and writes the WAV and JSON summary. */
  async finish(): Promise<void> {
    await this.chain;
    const fh = await this.file;
    // The WAV covers the call up to `end.position`, so a call that ended inside a pause keeps its tail.
    const endPos = this.ended ? parseDuration(this.ended.position) : undefined;
    const tail = endPos !== undefined && endPos > this.origin ? nanosToSamples(endPos - this.origin, this.start.media.rate) * this.unit : 0;
    const length = Math.max(this.written.end, tail);
    const silence = this.start.media.format === 'L16' ? 0 : ULAW_SILENCE;
    for (const [a, b] of this.written.holes(length)) await fh.write(Buffer.alloc(b - a, silence), 0, b - a, a);
    const audio = Buffer.alloc(length);
    await fh.read(audio, 0, length, 0);
    await fh.close();
    const spec = { format: this.start.media.format as 'PCMU' | 'L16', channels: this.start.media.channels, rate: this.start.media.rate };
    await writeFile(this.path('wav'), Buffer.concat([wavHeader(spec, length), audio]));
    await writeFile(this.path('json'), JSON.stringify({ start: this.start, connections: this.connections, messages: this.messages, bytesReceived: this.bytesReceived }, null, 2));
    this.finished = true;
  }
}

/**
 * The media files of recordings, encoded on demand. WAV is a header in front
 * of the bytes; Opus encoding costs real CPU, so the last few encoded files
 * are kept (a client typically lists — which needs the size — then downloads).
 */
import type { Call } from '../calls/engine.js';
import type { CallAudio } from '../audio/arrangement.js';
import { encodeMedia, recordedAudio, wavSize, type MediaChannel, type MediaFormat } from './media.js';

/** Encoded files kept; the recordings do not change once transcoded, so a hit is always right. */
const KEEP = 8;

export class RecordingFiles {
  private readonly kept = new Map<string, Promise<Buffer>>();

  constructor(private readonly audioOf: (call: Call) => CallAudio) {}

  file(call: Call, channel: MediaChannel, format: MediaFormat): Promise<Buffer> {
    const t = call.timeline;
    if (format !== 'WEBM') return Promise.resolve(encodeMedia(recordedAudio(t, this.audioOf(call)), channel, format));
    const key = `${t.conversationId}/${t.recording?.id}/${channel}/${format}`;
    const hit = this.kept.get(key);
    if (hit) {
      this.kept.delete(key);
      this.kept.set(key, hit);
      return hit;
    }
    const made = encodeMedia(recordedAudio(t, this.audioOf(call)), channel, format);
    this.kept.set(key, made);
    made.catch(() => this.kept.delete(key));
    while (this.kept.size > KEEP) this.kept.delete(this.kept.keys().next().value as string);
    return made;
  }

  /** outputSizeInBytes: the stereo file's size (WAV sizes are computed, WEBM is encoded once). */
  async size(call: Call, format: MediaFormat): Promise<number> {
    if (format !== 'WEBM') return wavSize(call.timeline, format, 2);
    return (await this.file(call, 'S', format)).length;
  }
}

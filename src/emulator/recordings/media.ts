/**
 * Recording media files cut from the call audio: stereo (`S`) or one channel
 * (`0` customer, `1` agent), as µ-law WAV (WAV_ULAW), 16-bit PCM WAV (WAV) or
 * Opus in WebM (WEBM, the Genesys default). The other Genesys formats
 * (OGG_VORBIS, OGG_OPUS, MP3) are a clear 400, not a silent substitute.
 */
import { ulawDecode, wavHeader } from '../../audio/index.js';
import type { CallAudio } from '../audio/arrangement.js';
import { msToSamples, RATE } from '../audio/arrangement.js';
import type { Timeline } from '../calls/timeline.js';
import { encodeWebmOpus } from './webm.js';

export const MEDIA_FORMATS = ['WAV_ULAW', 'WAV', 'WEBM'] as const;
export type MediaFormat = (typeof MEDIA_FORMATS)[number];
/** Every formatId Genesys knows (Genesys Cloud docs, "Recording API"). */
export const KNOWN_FORMATS = ['WAV', 'WEBM', 'WAV_ULAW', 'OGG_VORBIS', 'OGG_OPUS', 'MP3', 'NONE'] as const;
const MEDIA_CHANNELS = ['S', '0', '1'] as const;
export type MediaChannel = (typeof MEDIA_CHANNELS)[number];

const mediaFormats: ReadonlySet<string> = new Set(MEDIA_FORMATS);
const knownFormats: ReadonlySet<string> = new Set(KNOWN_FORMATS);
const mediaChannels: ReadonlySet<string> = new Set(MEDIA_CHANNELS);

export function isMediaFormat(f: string): f is MediaFormat {
  return mediaFormats.has(f);
}

export function isKnownFormat(f: string): f is (typeof KNOWN_FORMATS)[number] {
  return knownFormats.has(f);
}

export function isMediaChannel(c: string): c is MediaChannel {
  return mediaChannels.has(c);
}

/** The recorded span's stereo µ-law bytes: exactly what AudioHook streamed for the same span. */
export function recordedAudio(t: Timeline, audio: CallAudio): Uint8Array {
  if (!t.recording) return new Uint8Array(0);
  return audio.render(msToSamples(t.recording.start - t.start), msToSamples(t.recording.end - t.start));
}

function pickChannel(stereo: Uint8Array, channel: MediaChannel): Uint8Array {
  if (channel === 'S') return stereo;
  const c = channel === '0' ? 0 : 1;
  const mono = new Uint8Array(stereo.length / 2);
  for (let i = 0; i < mono.length; i++) mono[i] = stereo[i * 2 + c] as number;
  return mono;
}

/** File name extension and Content-Type of each format's files. */
export const MEDIA_FILES: Record<MediaFormat, { ext: string; contentType: string }> = {
  WAV_ULAW: { ext: 'wav', contentType: 'audio/wav' },
  WAV: { ext: 'wav', contentType: 'audio/wav' },
  WEBM: { ext: 'webm', contentType: 'audio/webm' },
};

export async function encodeMedia(stereo: Uint8Array, channel: MediaChannel, format: MediaFormat): Promise<Buffer> {
  if (format !== 'WEBM') return encodeWav(stereo, channel, format);
  return encodeWebmOpus(ulawDecode(pickChannel(stereo, channel)), channel === 'S' ? 2 : 1);
}

export function encodeWav(stereo: Uint8Array, channel: MediaChannel, format: 'WAV_ULAW' | 'WAV'): Buffer {
  const ulaw = pickChannel(stereo, channel);
  const channels = channel === 'S' ? 2 : 1;
  if (format === 'WAV_ULAW') return Buffer.concat([wavHeader({ format: 'PCMU', channels, rate: RATE }, ulaw.length), ulaw]);
  const pcm = ulawDecode(ulaw);
  const data = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) data.writeInt16LE(pcm[i] as number, i * 2);
  return Buffer.concat([wavHeader({ format: 'L16', channels, rate: RATE }, data.length), data]);
}

/** Size of a WAV file without encoding it (for outputSizeInBytes). */
export function wavSize(t: Timeline, format: 'WAV_ULAW' | 'WAV', channels: 1 | 2): number {
  if (!t.recording) return 0;
  const samples = msToSamples(t.recording.end - t.start) - msToSamples(t.recording.start - t.start);
  return format === 'WAV_ULAW' ? 58 + samples * channels : 44 + samples * channels * 2;
}

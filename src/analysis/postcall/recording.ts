/**
 * An imported recording read into what the acoustic analysis takes:
 * interleaved 8 kHz µ-law with its channel layout. Genesys's stereo
 * recordings put the customer (external) on channel 0 and the agent on 1, as
 * the AudioHook stream does ("Recording API", Genesys Cloud developer center:
 * WAV_ULAW / WAV, two channels). WAV (µ-law or 16-bit PCM) at 8 kHz is read;
 * anything else is reported as unsupported with the reason.
 */
import { parseWav, ulawEncode } from '../../audio/index.js';
import type { ChannelLayout } from '../types.js';

export class UnsupportedRecordingError extends Error {
  override name = 'UnsupportedRecordingError';
}

export interface DecodedRecording {
  ulaw: Uint8Array;
  channels: ChannelLayout;
  durationMs: number;
}

const STEREO: ChannelLayout = ['customer', 'agent'];
const RATE = 8000;

export function decodeRecording(file: Buffer, format: string): DecodedRecording {
  if (format !== 'WAV_ULAW' && format !== 'WAV') throw new UnsupportedRecordingError(`format ${format}: only WAV_ULAW and WAV are analysed (set ingest.recordingFormat)`);
  let wav;
  try {
    wav = parseWav(file);
  } catch (err) {
    throw new UnsupportedRecordingError(`not a readable WAV: ${(err as Error).message}`);
  }
  if (wav.rate !== RATE) throw new UnsupportedRecordingError(`sample rate ${wav.rate} Hz: only 8000 Hz recordings are analysed`);
  if (wav.channels !== 2) throw new UnsupportedRecordingError(`${wav.channels} channel(s): customer and agent can only be told apart in a stereo recording`);
  const body = file.subarray(wav.dataOffset, wav.dataOffset + wav.dataBytes);
  const ulaw = wav.format === 'PCMU' ? new Uint8Array(body.buffer, body.byteOffset, body.length - (body.length % 2)) : ulawEncode(pcm16(body));
  return { ulaw, channels: STEREO, durationMs: Math.floor((ulaw.length / 2 / RATE) * 1000) };
}

function pcm16(body: Buffer): Int16Array {
  const n = Math.floor(body.length / 4) * 2; // whole stereo frames
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = body.readInt16LE(i * 2);
  return out;
}

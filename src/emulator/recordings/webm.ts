/**
 * WEBM recording media: Opus in WebM, what Genesys serves when a client asks
 * for no format (formatId defaults to WEBM, e.g. the official SDK). Opus comes
 * from libopus compiled to WebAssembly (`opusscript`), the container from
 * `mediabunny`'s WebM muxer — both pure JS/WASM, nothing native to build.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import OpusScript from 'opusscript';
import { RATE } from '../audio/arrangement.js';

const FRAME_MS = 20;
/** Samples per channel in one Opus frame (20 ms, the usual telephony frame). */
const FRAME = (RATE * FRAME_MS) / 1000;
/**
 * libopus's look-ahead (6.5 ms) in 48 kHz samples: the pre-skip a decoder drops
 * from the start (RFC 7845 section 4.2), written into OpusHead.
 */
const PRE_SKIP = 312;
const OPUS_SET_COMPLEXITY = 4010;
/**
 * The lowest complexity: the file is for tests and demos, not for listening
 * tests, and it is ~6× faster than the default on a busy machine.
 */
const COMPLEXITY = 0;
/**
 * 16 kbit/s per channel. libopus's default for 8 kHz stereo (~19 kbit/s in all)
 * blends the channels at complexity 0, and here each channel is a different
 * speaker (customer, agent) that must stay apart.
 */
const BITRATE_PER_CHANNEL = 16_000;
/** Frames encoded between two yields to the event loop, so a long file never stalls the AudioHook streams. */
const FRAMES_PER_TURN = 50;

/** The Opus identification header (RFC 7845 section 5.1), Matroska's CodecPrivate for A_OPUS. */
export function opusHead(channels: 1 | 2): Uint8Array {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head.writeUInt8(1, 8); // version
  head.writeUInt8(channels, 9);
  head.writeUInt16LE(PRE_SKIP, 10);
  head.writeUInt32LE(RATE, 12); // input sample rate (informative)
  head.writeInt16LE(0, 16); // output gain
  head.writeUInt8(0, 18); // channel mapping family 0: mono or stereo
  return new Uint8Array(head);
}

/** The pre-skip in samples at 8 kHz (52). */
const PRE_SKIP_SAMPLES = (PRE_SKIP * RATE) / 48_000;

/**
 * Encodes interleaved 16-bit PCM at 8 kHz as Opus in WebM. Silence is added at
 * the end to flush the encoder's look-ahead and fill the last frame, so a
 * decoder that honours the pre-skip gets every sample back, plus up to 26.5 ms.
 */
export async function encodeWebmOpus(pcm: Int16Array, channels: 1 | 2): Promise<Buffer> {
  // Loaded on first use: most emulator runs never ask for WEBM.
  const { BufferTarget, EncodedAudioPacketSource, EncodedPacket, Output, WebMOutputFormat } = await import('mediabunny');
  const target = new BufferTarget();
  const output = new Output({ format: new WebMOutputFormat(), target });
  const source = new EncodedAudioPacketSource('opus');
  output.addAudioTrack(source);
  await output.start();
  const encoder = new OpusScript(RATE, channels, OpusScript.Application.VOIP);
  try {
    encoder.encoderCTL(OPUS_SET_COMPLEXITY, COMPLEXITY);
    encoder.setBitrate(BITRATE_PER_CHANNEL * channels);
    const frameValues = FRAME * channels;
    const frames = Math.ceil((pcm.length / channels + PRE_SKIP_SAMPLES) / FRAME);
    const decoderConfig = { codec: 'opus', numberOfChannels: channels, sampleRate: 48_000, description: opusHead(channels) };
    for (let f = 0; f < frames; f++) {
      const frame = new Int16Array(frameValues);
      frame.set(pcm.subarray(f * frameValues, (f + 1) * frameValues));
      const packet = encoder.encode(Buffer.from(frame.buffer), FRAME);
      await source.add(new EncodedPacket(new Uint8Array(packet), 'key', (f * FRAME_MS) / 1000, FRAME_MS / 1000), f === 0 ? { decoderConfig } : undefined);
      if ((f + 1) % FRAMES_PER_TURN === 0) await nextTurn();
    }
  } finally {
    encoder.delete();
  }
  await output.finalize();
  if (!target.buffer) throw new Error('the WebM muxer produced no output');
  return Buffer.from(target.buffer);
}

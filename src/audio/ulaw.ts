/**
 * G.711 µ-law. Decoding is a 256-entry table (hand-written: small and central);
 * encoding uses the alawmulaw library, where segment search, bias and clipping
 * are easy to get wrong by hand.
 */
import alawmulaw from 'alawmulaw';

const { mulaw } = alawmulaw;

/** µ-law byte for digital silence (positive zero). */
export const ULAW_SILENCE = 0xff;

const DECODE = new Int16Array(256);
for (let i = 0; i < 256; i++) {
  const u = ~i & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  DECODE[i] = sign ? -magnitude : magnitude;
}

export function ulawDecode(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = DECODE[bytes[i] as number] as number;
  return out;
}

export function ulawEncode(samples: Int16Array): Uint8Array {
  return mulaw.encode(samples);
}

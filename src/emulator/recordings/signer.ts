/**
 * Pre-signed media URLs (Genesys Cloud docs, "Recording API": fetched without the bearer token,
 * short-lived): an HMAC over the file and its expiry on the virtual clock.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { MEDIA_FILES, type MediaChannel, type MediaFormat } from './media.js';

export interface MediaRef {
  env: string;
  conversationId: string;
  recordingId: string;
  channel: MediaChannel;
  format: MediaFormat;
}

export class MediaSigner {
  private readonly key = randomBytes(32);

  constructor(
    private readonly base: () => string,
    private readonly now: () => number,
    private readonly ttlMs: () => number,
  ) {}

  url(ref: MediaRef): string {
    const expires = this.now() + this.ttlMs();
    const sig = this.sign(ref, expires);
    return `${this.base()}/r/${ref.env}/media/recordings/${ref.conversationId}/${ref.recordingId}/${ref.channel}.${MEDIA_FILES[ref.format].ext}?format=${ref.format}&expires=${expires}&sig=${sig}`;
  }

  /** Why a presented URL is not acceptable, or undefined when it is. */
  problem(ref: MediaRef, expires: number, sig: string): string | undefined {
    const want = Buffer.from(this.sign(ref, expires));
    const got = Buffer.from(sig);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return 'signature does not match';
    if (this.now() > expires) return 'the link has expired';
    return undefined;
  }

  private sign(ref: MediaRef, expires: number): string {
    return createHmac('sha256', this.key)
      .update([ref.env, ref.conversationId, ref.recordingId, ref.channel, ref.format, String(expires)].join('\n'))
      .digest('base64url');
  }
}

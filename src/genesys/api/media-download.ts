/**
 * Streams recording media from a pre-signed URL. The URL is the credential, so
 * no bearer token is sent, and it is not an API call, so it bypasses the
 * request budget. Only the response head is retried; once bytes flow, a
 * failure surfaces as a stream error (resuming mid-file is the caller's call).
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { GenesysApiError, GenesysNetworkError, type RequestInfo } from '../errors.js';
import { decideRetry, type Attempts } from '../http/retry-policy.js';
import { readRateLimitHeaders } from '../http/rate-limit-headers.js';
import type { ApiContext } from './context.js';

export interface MediaDownload {
  stream: Readable;
  contentType: string | undefined;
  /** From Content-Length, when the server sent one. */
  contentLength: number | undefined;
}

export async function downloadMedia(ctx: ApiContext, uri: string, signal?: AbortSignal): Promise<MediaDownload> {
  // Pre-signed query strings are credentials: log and report the path only.
  const info: RequestInfo = { method: 'GET', path: new URL(uri).pathname };
  const done: Attempts = { failures: 0, rateLimited: 0, malformed: 0 };
  for (;;) {
    let res: Response;
    try {
      res = await ctx.fetch(uri, { method: 'GET', signal });
    } catch (err) {
      const d = decideRetry({ kind: 'network' }, 'GET', true, done, ctx.retry, ctx.random);
      if (!d.retry || signal?.aborted) throw new GenesysNetworkError(info, err);
      done.failures++;
      await ctx.sleep(d.delayMs, signal);
      continue;
    }
    if (res.ok && res.body) {
      const length = Number(res.headers.get('content-length'));
      return {
        stream: Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
        contentType: res.headers.get('content-type') ?? undefined,
        contentLength: Number.isFinite(length) && length >= 0 && res.headers.has('content-length') ? length : undefined,
      };
    }
    await res.body?.cancel();
    const rate = readRateLimitHeaders(res.headers, ctx.clock.now());
    const d = decideRetry({ kind: 'status', status: res.status, rate }, 'GET', true, done, ctx.retry, ctx.random);
    if (!d.retry) throw new GenesysApiError({ status: res.status, request: info, retryAfterMs: rate.retryAfterMs });
    if (d.reason === '429') done.rateLimited++;
    else done.failures++;
    await ctx.sleep(d.delayMs, signal);
  }
}

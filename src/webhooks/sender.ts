/**
 * One signed POST of one event to one endpoint, bounded in time and in what
 * is read back: the response body is only read for a short excerpt (for the
 * delivery log), never stored whole.
 */
import { createRequire } from 'node:module';
import { errorMessage } from '../platform/util/error-message.js';
import { signedHeaders } from './signature.js';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
export const USER_AGENT = `hookline/${pkg.version}`;
const EXCERPT_BYTES = 200;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface SendResult {
  /** HTTP status, or null when no response came (network error, timeout). */
  status: number | null;
  /** Why it failed, bounded: status and body excerpt, or the network error. Null on 2xx. */
  error: string | null;
}

export interface SendRequest {
  url: string;
  secret: string;
  id: string;
  timestampSec: number;
  body: string;
  timeoutMs: number;
  timers: Timers;
  /** Aborts the request (the dispatcher stopping). */
  signal?: AbortSignal | undefined;
}

export async function send(r: SendRequest): Promise<SendResult> {
  const ctl = new AbortController();
  const timer = r.timers.setTimeout(() => ctl.abort(new Error(`timed out after ${r.timeoutMs} ms`)), r.timeoutMs);
  const onStop = () => ctl.abort(new Error('dispatcher stopping'));
  r.signal?.addEventListener('abort', onStop, { once: true });
  try {
    const res = await fetch(r.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...signedHeaders(r.secret, r.id, r.timestampSec, r.body) },
      body: r.body,
      redirect: 'manual',
      signal: ctl.signal,
    });
    if (res.status >= 200 && res.status < 300) {
      await res.body?.cancel().catch(() => undefined);
      return { status: res.status, error: null };
    }
    const excerpt = await readExcerpt(res);
    return { status: res.status, error: `HTTP ${res.status}${excerpt ? `: ${excerpt}` : ''}` };
  } catch (err) {
    const reason: unknown = ctl.signal.aborted ? ctl.signal.reason : err;
    const cause = err instanceof Error && err.cause !== undefined && !ctl.signal.aborted ? ` (${errorMessage(err.cause)})` : '';
    return { status: null, error: `${errorMessage(reason)}${cause}` };
  } finally {
    r.timers.clearTimeout(timer);
    r.signal?.removeEventListener('abort', onStop);
  }
}

/** The first bytes of a response body, printable, then the rest discarded unread. */
async function readExcerpt(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  try {
    while (n < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      n += value.length;
    }
  } catch {
    // A body cut short still gives what came.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8').replace(/[^\x20-\x7e]+/g, ' ').trim();
}

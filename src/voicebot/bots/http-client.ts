/**
 * One JSON POST to a remote bot, never a hang and never unbounded: the
 * caller's AbortSignal and a hard timeout both cancel it, the response body
 * is read up to a byte limit, and every failure is a BotUnavailableError with
 * its reason. The bearer token goes in the header only; no message names it
 * or the URL's query.
 */
import { BotUnavailableError } from './errors.js';

export const DEFAULT_BOT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024;

export interface HttpBotOptions {
  /** Hard limit on one turn, whatever the caller's signal says. */
  timeoutMs?: number;
  maxResponseBytes?: number;
}

export interface PostJson {
  url: string;
  body: unknown;
  bearer?: string | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs: number;
  maxBytes: number;
}

/** Where we called, for messages: origin and path, never the query (it may carry a key). */
export function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

function causeOf(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

async function readBounded(res: Response, maxBytes: number, where: string): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new BotUnavailableError('bad-response', `${where}: response of ${declared} bytes is over the ${maxBytes}-byte limit`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BotUnavailableError('bad-response', `${where}: response is over the ${maxBytes}-byte limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function postJson(r: PostJson): Promise<unknown> {
  const where = `POST ${describeUrl(r.url)}`;
  const ctl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctl.abort();
  }, r.timeoutMs);
  const onAbort = (): void => ctl.abort();
  if (r.signal?.aborted) ctl.abort();
  r.signal?.addEventListener('abort', onAbort, { once: true });
  const aborted = (): BotUnavailableError =>
    new BotUnavailableError('timeout', timedOut ? `${where}: no answer within ${r.timeoutMs} ms` : `${where}: cancelled by the caller`);
  try {
    let res: Response;
    try {
      res = await fetch(r.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(r.bearer ? { authorization: `Bearer ${r.bearer}` } : {}) },
        body: JSON.stringify(r.body),
        signal: ctl.signal,
        // A redirect could carry the Authorization header elsewhere: refused.
        redirect: 'error',
      });
    } catch (err) {
      if (ctl.signal.aborted) throw aborted();
      throw new BotUnavailableError('network', `${where}: ${causeOf(err)}`);
    }
    if (res.status < 200 || res.status > 299) {
      await res.body?.cancel().catch(() => undefined);
      throw new BotUnavailableError('http-status', `${where}: HTTP ${res.status}`, res.status);
    }
    let text: string;
    try {
      text = await readBounded(res, r.maxBytes, where);
    } catch (err) {
      if (err instanceof BotUnavailableError) throw err;
      if (ctl.signal.aborted) throw aborted();
      throw new BotUnavailableError('network', `${where}: ${causeOf(err)}`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new BotUnavailableError('bad-response', `${where}: the response is not JSON`);
    }
  } finally {
    clearTimeout(timer);
    r.signal?.removeEventListener('abort', onAbort);
  }
}

/** `[0].custom.action: Invalid option…`: which part of a bot's answer is wrong, and why. */
export function issuesText(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  // Bounded: a path can hold keys the remote bot chose, and this text goes into logs.
  const text = issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(root)'}: ${i.message}`)
    .join('; ');
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

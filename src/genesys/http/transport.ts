/**
 * One authenticated Platform API call with the full resilience policy:
 * client-side pacing, 401 → one forced token refresh, 429/5xx/network retries
 * (see retry-policy.ts), typed errors. Everything else in the module builds on
 * `Transport.request`.
 */
import { GenesysApiError, GenesysNetworkError, GenesysResponseFormatError, type RequestInfo } from '../errors.js';
import type { GenesysLogger } from '../log.js';
import type { ErrorBody, Query } from '../models/common.js';
import type { Clock, Sleep } from '../time.js';
import type { RequestLimiter } from './limiter.js';
import { readRateLimitHeaders } from './rate-limit-headers.js';
import { decideRetry, type Attempts, type Decision, type Outcome, type RetrySettings } from './retry-policy.js';
import type { TokenProvider } from './tokens.js';
import { buildUrl, displayPath } from './url.js';

export interface RequestOptions {
  query?: Query;
  /** Sent as JSON. */
  body?: unknown;
  /** Non-2xx statuses to return instead of throwing (e.g. 404 → "not there"). */
  accept?: readonly number[];
  /** Statuses whose body is not read (e.g. recordings' 202 "still transcoding"). */
  ignoreBodyOn?: readonly number[];
  /** Repeating the call cannot change the outcome. Default: true for GET/HEAD/PUT/DELETE. */
  idempotent?: boolean;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  status: number;
  /** Parsed JSON of a 2xx answer; undefined when empty, ignored or not 2xx. */
  body: T | undefined;
  /** Parsed ErrorBody of an accepted non-2xx answer. */
  error: ErrorBody | undefined;
  headers: Headers;
  correlationId: string | undefined;
}

export interface TransportOptions {
  apiBase: string;
  fetch: typeof fetch;
  clock: Clock;
  sleep: Sleep;
  random: () => number;
  retry: RetrySettings;
  limiter: RequestLimiter;
  tokens: TokenProvider;
  logger: GenesysLogger;
  /** Per-attempt timeout; an attempt that runs over counts as a network error. */
  timeoutMs: number;
  userAgent: string;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

type Attempt =
  | { kind: 'response'; res: Response; text: string; token: string }
  | { kind: 'network'; error: unknown };

export class Transport {
  constructor(private readonly o: TransportOptions) {}

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const url = buildUrl(this.o.apiBase, path, opts.query);
    const info: RequestInfo = { method, path: displayPath(url) };
    const idempotent = opts.idempotent ?? IDEMPOTENT.has(method);
    const done: Attempts = { failures: 0, rateLimited: 0, malformed: 0 };
    const decide = (outcome: Outcome) => decideRetry(outcome, method, idempotent, done, this.o.retry, this.o.random);
    let refreshedAfter401 = false;
    for (;;) {
      const attempt = await this.attempt(method, url, opts);
      if (attempt.kind === 'network') {
        if (opts.signal?.aborted) throw new GenesysNetworkError(info, attempt.error);
        await this.retryOrThrow(decide({ kind: 'network' }), done, info, undefined, () => new GenesysNetworkError(info, attempt.error), opts.signal);
        continue;
      }
      const { res, text, token } = attempt;
      const correlationId = res.headers.get('inin-correlation-id') ?? undefined;
      const rate = readRateLimitHeaders(res.headers, this.o.clock.now());
      this.o.limiter.observe(rate);
      if (res.status === 401 && !refreshedAfter401) {
        // Tokens can be revoked or expire early; one fresh token is worth a try, a loop is not.
        refreshedAfter401 = true;
        this.o.logger.info({ ...info, correlationId }, 'genesys 401; refreshing the token once');
        await this.o.tokens.replace(token);
        continue;
      }
      const reply = (body: unknown, error?: ErrorBody): ApiResponse<T> => ({
        status: res.status,
        body: body as T | undefined,
        error,
        headers: res.headers,
        correlationId,
      });
      if (res.ok) {
        const parsed = opts.ignoreBodyOn?.includes(res.status) ? { ok: true as const, value: undefined } : parseJson(text);
        if (parsed.ok) return reply(parsed.value);
        const fail = () => new GenesysResponseFormatError(info, res.status, correlationId, text.slice(0, 200));
        await this.retryOrThrow(decide({ kind: 'malformed' }), done, info, correlationId, fail, opts.signal);
        continue;
      }
      const error = parseErrorBody(text);
      if (opts.accept?.includes(res.status)) return reply(undefined, error);
      const decision = decide({ kind: 'status', status: res.status, rate });
      // A 429 means the whole client is over budget: hold every caller, not just this one.
      if (decision.retry && decision.reason === '429') this.o.limiter.pause(decision.delayMs);
      const retryAfterMs = rate.retryAfterMs ?? (res.status === 429 ? rate.resetMs : undefined);
      const fail = () => new GenesysApiError({ status: res.status, request: info, body: error, correlationId, retryAfterMs });
      await this.retryOrThrow(decision, done, info, correlationId, fail, opts.signal);
    }
  }

  private async attempt(method: string, url: string, opts: RequestOptions): Promise<Attempt> {
    // Token first: a slow login must not let the budget's recorded start drift from the real send.
    const token = await this.o.tokens.token();
    await this.o.limiter.acquire(opts.signal);
    // Composed by hand, not AbortSignal.any(): that leaves a listener on a long-lived
    // caller signal per request until garbage collection.
    const controller = new AbortController();
    const abort = () => controller.abort(opts.signal?.reason);
    const timer = setTimeout(() => controller.abort(new DOMException('request timed out', 'TimeoutError')), this.o.timeoutMs);
    if (opts.signal?.aborted) abort();
    else opts.signal?.addEventListener('abort', abort, { once: true });
    const signal = controller.signal;
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json', 'user-agent': this.o.userAgent };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const res = await this.o.fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), signal });
      // Read the body inside the try: a connection reset mid-body is a network error too.
      const text = method === 'HEAD' || opts.ignoreBodyOn?.includes(res.status) ? '' : await res.text();
      if (opts.ignoreBodyOn?.includes(res.status)) await res.body?.cancel();
      return { kind: 'response', res, text, token };
    } catch (error) {
      return { kind: 'network', error };
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', abort);
    }
  }

  private async retryOrThrow(d: Decision, done: Attempts, info: RequestInfo, correlationId: string | undefined, fail: () => Error, signal?: AbortSignal): Promise<void> {
    if (!d.retry) throw fail();
    if (d.reason === '429') done.rateLimited++;
    else if (d.reason === 'malformed') done.malformed++;
    else done.failures++;
    this.o.logger.warn({ ...info, correlationId, reason: d.reason, delayMs: d.delayMs }, 'genesys request will be retried');
    // 429 waits are enforced by the shared limiter (paused above) before the next attempt.
    if (d.reason !== '429') await this.o.sleep(d.delayMs, signal);
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function parseErrorBody(text: string): ErrorBody | undefined {
  const parsed = parseJson(text);
  return parsed.ok && parsed.value && typeof parsed.value === 'object' ? (parsed.value as ErrorBody) : undefined;
}

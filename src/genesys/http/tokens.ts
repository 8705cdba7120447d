/**
 * OAuth client-credentials tokens (Genesys Cloud docs, "OAuth client credentials grant"): cached, refreshed at ~85 %
 * of their lifetime, with one request in flight however many callers ask.
 */
import { GenesysAuthError, GenesysNetworkError, GenesysResponseFormatError } from '../errors.js';
import type { GenesysLogger } from '../log.js';
import type { Clock, Sleep } from '../time.js';
import { decideRetry, type Attempts, type RetrySettings } from './retry-policy.js';
import { readRateLimitHeaders } from './rate-limit-headers.js';
import { cacheToken, tokenFreshness, type CachedToken } from './token-policy.js';

export interface TokenProviderOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  fetch: typeof fetch;
  clock: Clock;
  sleep: Sleep;
  random: () => number;
  retry: RetrySettings;
  logger: GenesysLogger;
  refreshRatio?: number;
}

export class TokenProvider {
  private cached: CachedToken | undefined;
  private inflight: Promise<CachedToken> | undefined;

  constructor(private readonly o: TokenProviderOptions) {}

  /** A valid bearer token: cached, or fetched once for all concurrent callers. */
  async token(): Promise<string> {
    const current = this.cached;
    const state = tokenFreshness(current, this.o.clock.now(), this.o.refreshRatio);
    if (!current || state === 'expired') return (await this.refresh()).accessToken;
    if (state === 'fresh') return current.accessToken;
    try {
      return (await this.refresh()).accessToken;
    } catch (err) {
      // Refreshing early is an optimisation: while the old token lives, a
      // transient login outage must not fail API calls. Bad credentials still surface.
      if (err instanceof GenesysAuthError && err.status < 500) throw err;
      this.o.logger.warn({ err: String(err) }, 'genesys token refresh failed; using the current token until it expires');
      return current.accessToken;
    }
  }

  /**
   * Called after a 401 with the token that was refused. If someone already
   * replaced it, use theirs; otherwise fetch a new one (single-flight too).
   */
  async replace(refused: string): Promise<string> {
    if (this.cached && this.cached.accessToken !== refused && tokenFreshness(this.cached, this.o.clock.now(), this.o.refreshRatio) !== 'expired') {
      return this.cached.accessToken;
    }
    this.cached = undefined;
    return (await this.refresh()).accessToken;
  }

  private refresh(): Promise<CachedToken> {
    this.inflight ??= this.fetchToken().then(
      (t) => {
        this.cached = t;
        this.inflight = undefined;
        return t;
      },
      (err: unknown) => {
        this.inflight = undefined;
        throw err;
      },
    );
    return this.inflight;
  }

  private async fetchToken(): Promise<CachedToken> {
    const done: Attempts = { failures: 0, rateLimited: 0, malformed: 0 };
    const request = { method: 'POST', path: '/oauth/token' };
    for (;;) {
      let res: Response;
      try {
        res = await this.o.fetch(this.o.tokenUrl, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${this.o.clientId}:${this.o.clientSecret}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: 'grant_type=client_credentials',
        });
      } catch (err) {
        // Asking for a token twice is harmless: treat it as idempotent.
        const d = decideRetry({ kind: 'network' }, 'POST', true, done, this.o.retry, this.o.random);
        if (!d.retry) throw new GenesysNetworkError(request, err);
        done.failures++;
        await this.o.sleep(d.delayMs);
        continue;
      }
      const text = await res.text();
      if (res.ok) {
        const parsed = parseToken(text);
        if (parsed) {
          this.o.logger.debug({ expiresIn: parsed.expiresIn }, 'genesys token obtained');
          return cacheToken(parsed.accessToken, parsed.expiresIn, this.o.clock.now());
        }
        if (done.malformed >= 1) throw new GenesysResponseFormatError(request, res.status, undefined, text.slice(0, 200));
        done.malformed++;
        continue;
      }
      const rate = readRateLimitHeaders(res.headers, this.o.clock.now());
      const d = decideRetry({ kind: 'status', status: res.status, rate }, 'POST', true, done, this.o.retry, this.o.random);
      if (!d.retry) throw authError(res.status, text);
      if (d.reason === '429') done.rateLimited++;
      else done.failures++;
      await this.o.sleep(d.delayMs);
    }
  }
}

function parseToken(text: string): { accessToken: string; expiresIn: unknown } | undefined {
  try {
    const body: unknown = JSON.parse(text);
    if (!body || typeof body !== 'object' || !('access_token' in body) || typeof body.access_token !== 'string' || body.access_token === '') return undefined;
    return { accessToken: body.access_token, expiresIn: 'expires_in' in body ? body.expires_in : undefined };
  } catch {
    return undefined;
  }
}

function authError(status: number, text: string): GenesysAuthError {
  try {
    const b: unknown = JSON.parse(text);
    const str = (key: string): string | undefined => {
      const v: unknown = b && typeof b === 'object' ? Reflect.get(b, key) : undefined;
      return typeof v === 'string' ? v : undefined;
    };
    return new GenesysAuthError(status, str('error'), str('error_description') ?? str('description') ?? str('message'));
  } catch {
    return new GenesysAuthError(status, undefined, undefined);
  }
}

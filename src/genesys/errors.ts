/**
 * Typed errors. Every error raised by this module is a GenesysError, so callers
 * can tell "Genesys said no" (GenesysApiError, with the ErrorBody) from "we could
 * not talk to Genesys" (GenesysNetworkError) and from contract breaks.
 */
import { errorMessage } from '../platform/util/error-message.js';
import type { ErrorBody } from './models/common.js';

export class GenesysError extends Error {
  override readonly name: string = 'GenesysError';
}

export interface RequestInfo {
  method: string;
  /** Path and query only: never a token. */
  path: string;
}

/** A non-2xx answer from the Platform API, after retries were exhausted or not allowed. */
export class GenesysApiError extends GenesysError {
  override readonly name = 'GenesysApiError';
  readonly status: number;
  readonly code: string | undefined;
  readonly contextId: string | undefined;
  /** `ININ-Correlation-Id` response header: quote it to Genesys support. */
  readonly correlationId: string | undefined;
  readonly body: ErrorBody | undefined;
  /** What the server asked us to wait (429), when it said. */
  readonly retryAfterMs: number | undefined;
  readonly request: RequestInfo;

  constructor(init: {
    status: number;
    request: RequestInfo;
    body?: ErrorBody;
    correlationId?: string;
    retryAfterMs?: number;
  }) {
    const what = init.body?.message ?? `HTTP ${init.status}`;
    super(`${init.request.method} ${init.request.path} failed: ${init.status} ${init.body?.code ?? ''} ${what}`.replace(/\s+/g, ' ').trim());
    this.status = init.status;
    this.body = init.body;
    this.code = init.body?.code;
    this.contextId = init.body?.contextId;
    this.correlationId = init.correlationId;
    this.retryAfterMs = init.retryAfterMs;
    this.request = init.request;
  }
}

/** The login host refused the client credentials, or answered garbage. */
export class GenesysAuthError extends GenesysError {
  override readonly name = 'GenesysAuthError';
  constructor(
    readonly status: number,
    /** OAuth `error`, e.g. `invalid_client`. */
    readonly error: string | undefined,
    readonly description: string | undefined,
  ) {
    super(`Genesys login failed: ${status}${error ? ` ${error}` : ''}${description ? ` (${description})` : ''}`);
  }
}

/** The request never got an HTTP answer (refused, reset, DNS, TLS, aborted). */
export class GenesysNetworkError extends GenesysError {
  override readonly name = 'GenesysNetworkError';
  constructor(
    readonly request: RequestInfo,
    override readonly cause: unknown,
  ) {
    super(`${request.method} ${request.path}: network error: ${errorMessage(cause)}`);
  }
}

/** A 2xx answer whose body is not the JSON it should be. */
export class GenesysResponseFormatError extends GenesysError {
  override readonly name = 'GenesysResponseFormatError';
  constructor(
    readonly request: RequestInfo,
    readonly status: number,
    readonly correlationId: string | undefined,
    /** The first bytes of the body, for diagnosis. */
    readonly snippet: string,
  ) {
    super(`${request.method} ${request.path}: malformed JSON in ${status} response`);
  }
}

/** Polling for something (recording transcode, analytics job) ran past its deadline. */
export class GenesysTimeoutError extends GenesysError {
  override readonly name = 'GenesysTimeoutError';
  constructor(
    message: string,
    readonly waitedMs: number,
  ) {
    super(message);
  }
}

/** An analytics async job ended in FAILED, CANCELLED or EXPIRED. */
export class AnalyticsJobError extends GenesysError {
  override readonly name = 'AnalyticsJobError';
  constructor(
    readonly jobId: string,
    readonly state: string,
    readonly errorMessage: string | undefined,
  ) {
    super(`analytics job ${jobId} ended ${state}${errorMessage ? `: ${errorMessage}` : ''}`);
  }
}

/** A sync details query would page past the 10,000-record limit: use an async job. */
export class PagingLimitError extends GenesysError {
  override readonly name = 'PagingLimitError';
  constructor(
    readonly totalHits: number,
    readonly limit: number,
  ) {
    super(`details query matches ${totalHits} conversations, more than the ${limit} reachable by paging; use an async job`);
  }
}

/** More topics than the channels of one OAuth client can carry (20 × 1,000). */
export class TopicLimitError extends GenesysError {
  override readonly name = 'TopicLimitError';
  constructor(
    readonly requested: number,
    readonly max: number,
  ) {
    super(`${requested} notification topics requested; one OAuth client can subscribe at most ${max} (channels × topics per channel)`);
  }
}

/** Genesys rejected some topics of a subscription (permissions); the others are live. */
export class TopicRejectedError extends GenesysError {
  override readonly name = 'TopicRejectedError';
  constructor(readonly rejected: { id: string; reason?: string; missingPermissions?: string[] }[]) {
    super(`${rejected.length} notification topic(s) rejected, e.g. ${rejected[0]?.id ?? '?'}${rejected[0]?.reason ? `: ${rejected[0].reason}` : ''}`);
  }
}

/** The WebSocket upgrade was refused (404 = the channel is gone). */
export class SocketUpgradeError extends GenesysError {
  override readonly name = 'SocketUpgradeError';
  constructor(readonly status: number) {
    super(`notification socket upgrade refused with HTTP ${status}`);
  }
}

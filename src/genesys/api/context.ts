/**
 * What every endpoint group needs from the client. Endpoint modules depend on
 * this, never on the transport's internals.
 */
import type { Requester } from '../http/paging.js';
import type { RetrySettings } from '../http/retry-policy.js';
import type { GenesysLogger } from '../log.js';
import type { Clock, Sleep } from '../time.js';

export interface ApiContext {
  request: Requester;
  clock: Clock;
  sleep: Sleep;
  random: () => number;
  logger: GenesysLogger;
  /** Raw fetch, for pre-signed media URLs that must not carry the bearer token. */
  fetch: typeof fetch;
  retry: RetrySettings;
}

/** Path segment escaping for ids taken from events or user input. */
export const seg = (id: string): string => encodeURIComponent(id);

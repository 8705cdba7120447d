/**
 * What every endpoint group needs from the client. Endpoint modules depend on
 * this, never on the transport's internals.
 */
import { GenesysError } from '../errors.js';
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

/** The body of a reply that must have one: an empty 2xx is a protocol error, not a value. */
export function bodyOf<T>(res: { body: T | undefined }, what: string): T {
  if (res.body === undefined) throw new GenesysError(`${what} answered without a body`);
  return res.body;
}

/** Path segment escaping for ids taken from events or user input. */
export const seg = (id: string): string => encodeURIComponent(id);

/** Errors the API answers with a status of their own. */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
}

/** 403: the token is valid but not for this resource (e.g. another tenant's path); decided before any lookup, so it reveals nothing. */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

/** 404 with a message saying what is missing (a handler's `undefined` answers a bare "not found"). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** 429: the principal already holds as many live streams as it may. */
export class TooManyStreamsError extends Error {
  override name = 'TooManyStreamsError';
}

/** 502: a service the request needed (Genesys) failed or did not answer; the request itself was fine. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
}

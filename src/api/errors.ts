/** Errors the API answers with a status of their own. */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
}

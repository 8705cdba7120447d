/**
 * Typed errors. `ApiError` renders as Genesys' ErrorBody; `OAuthError` as the
 * login service's OAuth error JSON; `ControlError` is for the emulator's own
 * control API (not Genesys) and for bad seeds or options.
 */

export interface ErrorDetail {
  errorCode?: string;
  fieldName?: string;
  entityId?: string;
  entityName?: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { details?: ErrorDetail[]; messageParams?: Record<string, string>; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }

  /** The ErrorBody Genesys answers with (absent fields omitted). */
  body(contextId: string): Record<string, unknown> {
    return {
      message: this.message,
      code: this.code,
      status: this.status,
      messageParams: this.extra.messageParams ?? {},
      contextId,
      details: this.extra.details ?? [],
      errors: [],
    };
  }
}

export const badRequest = (message: string, code = 'bad.request', details?: ErrorDetail[]) =>
  new ApiError(400, code, message, details ? { details } : {});

export const notFound = (message = 'The requested resource was not found.') => new ApiError(404, 'not.found', message);

export const badCredentials = (message = 'Invalid login credentials.') => new ApiError(401, 'bad.credentials', message);

export const forbidden = (message = 'You are not authorized to perform the requested action.', code = 'missing.permissions') =>
  new ApiError(403, code, message);

export const conflict = (message: string) => new ApiError(409, 'conflict', message);

/** Login service errors: `{error, description, error_description}` (Genesys Cloud docs, "OAuth client credentials grant"). */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }

  body(): Record<string, string> {
    return { error: this.error, description: this.message, error_description: this.message };
  }
}

/** The control API's own errors (and bad seeds/options): `{error, message}`. */
export class ControlError extends Error {
  override readonly name: string = 'ControlError';
  constructor(
    message: string,
    readonly status = 400,
    readonly code = 'invalid_request',
  ) {
    super(message);
  }
}

export const controlNotFound = (what: string) => new ControlError(`${what} not found`, 404, 'not_found');

/** A zod issue list as one readable line: `path: message; …`. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.length > 0 ? i.path.map(String).join('.') : '(body)'}: ${i.message}`).join('; ');
}

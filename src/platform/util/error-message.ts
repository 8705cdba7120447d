/**
 * The message of anything thrown, for logs and error texts. A `catch` binds
 * `unknown` (TypeScript's useUnknownInCatchVariables): a thrown string, or an
 * Error from another realm, would make `(err as Error).message` undefined.
 */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string') return err.message;
  return String(err);
}

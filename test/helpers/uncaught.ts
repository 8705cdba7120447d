/**
 * Records what would have ended the process: an 'error' event nobody listens
 * to is thrown, and reaches `uncaughtException`. Vitest reports those too, but
 * a test that asserts on them says which claim broke.
 */
export function watchUncaught(): { errors: Error[]; stop(): void } {
  const errors: Error[] = [];
  const onError = (err: Error) => errors.push(err);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return {
    errors,
    stop() {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    },
  };
}

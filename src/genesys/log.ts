/**
 * The slice of a pino logger this module uses. Structural, so a pino Logger
 * (src/platform/logging) fits, and tests can pass nothing at all.
 */
type LogFn = (obj: Record<string, unknown>, msg?: string) => void;

export interface GenesysLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const noop: LogFn = () => {};

export const silentLogger: GenesysLogger = { debug: noop, info: noop, warn: noop, error: noop };

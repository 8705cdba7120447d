/**
 * pino with secret redaction. Anything that can carry a credential is censored
 * wherever it appears in a log object: client secrets, tokens, API keys,
 * signatures, authorization headers, master keys. Lines are JSON, or pretty
 * on a terminal when the optional pino-pretty is installed
 * (https://github.com/pinojs/pino-pretty, "Programmatic Integration").
 */
import { createRequire } from 'node:module';
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

const SECRET_KEYS = [
  'secret',
  'clientSecret',
  'secretAccessKey',
  'masterKey',
  'password',
  'token',
  'bearerToken',
  'accessToken',
  'access_token',
  'authorization',
  'signature',
  'x-api-key',
  'apiKey',
];

/** Redaction paths for these keys at the top level and up to two levels deep. */
export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `["${k}"]`;
  return [key.slice(key.startsWith('.') ? 1 : 0), `*${key}`, `*.*${key}`];
});

export interface LoggingOptions {
  level: string;
  /** Human-readable lines through pino-pretty; `auto` (the default): when stdout is a terminal. */
  pretty?: boolean | 'auto';
  name?: string;
}

/** What decides between pretty and JSON lines; injectable for tests. */
export interface LoggerEnvironment {
  /** Whether stdout is a terminal (for `pretty: auto`). */
  isTTY: boolean;
  /** pino-pretty's entry point, or undefined when it is not installed (it is an optional dependency). */
  resolvePretty: () => string | undefined;
}

const require = createRequire(import.meta.url);

export const defaultEnvironment: LoggerEnvironment = {
  isTTY: process.stdout.isTTY === true,
  resolvePretty: () => {
    try {
      return require.resolve('pino-pretty');
    } catch {
      return undefined;
    }
  },
};

/**
 * The pino-pretty transport target when lines should be pretty and it is
 * installed; else undefined (JSON lines, as log collectors expect).
 */
export function prettyTarget(pretty: LoggingOptions['pretty'], env: LoggerEnvironment): string | undefined {
  const wanted = pretty === true || ((pretty ?? 'auto') === 'auto' && env.isTTY);
  return wanted ? env.resolvePretty() : undefined;
}

export function createLogger(options: LoggingOptions, destination?: NodeJS.WritableStream, env: LoggerEnvironment = defaultEnvironment): Logger {
  const opts: LoggerOptions = {
    level: options.level,
    base: { name: options.name ?? 'hookline' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(opts, destination as pino.DestinationStream);
  const target = prettyTarget(options.pretty, env);
  // Redaction runs here, before the transport's worker thread formats the line.
  if (target) return pino({ ...opts, transport: { target, options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } });
  return pino(opts);
}

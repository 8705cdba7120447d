/**
 * pino with secret redaction. Anything that can carry a credential is censored
 * wherever it appears in a log object: client secrets, tokens, API keys,
 * signatures, authorization headers, master keys.
 */
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
  pretty?: boolean;
  name?: string;
}

export function createLogger(options: LoggingOptions, destination?: NodeJS.WritableStream): Logger {
  const opts: LoggerOptions = {
    level: options.level,
    base: { name: options.name ?? 'hookline' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(opts, destination as pino.DestinationStream) : pino(opts);
}

/**
 * A real pino logger (the project's, with redaction) writing into memory, so
 * tests can assert what was and was not logged.
 */
import { Writable } from 'node:stream';
import { createLogger } from '../../src/platform/logging/index.js';

export function captureLogs() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', name: 'genesys-test' }, sink);
  return { logger, text: () => lines.join('') };
}

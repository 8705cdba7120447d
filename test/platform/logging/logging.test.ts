/**
 * Log lines are pretty on a terminal when the optional pino-pretty is
 * installed, JSON otherwise; without pino-pretty the logger still works.
 * The resolver is injected, so both branches run whether or not it is installed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, prettyTarget } from '../../../src/platform/logging/index.js';
import { until } from '../../helpers/server.js';
import { tempDir } from '../../helpers/tmp.js';

const t = tempDir('hookline-logging-');
afterAll(() => t.cleanup());

const installed = () => '/opt/pino-pretty/index.js';
const absent = () => undefined;

describe('prettyTarget', () => {
  it.each([
    ['auto', true, installed, '/opt/pino-pretty/index.js'],
    [undefined, true, installed, '/opt/pino-pretty/index.js'],
    ['auto', false, installed, undefined],
    [false, true, installed, undefined],
    [true, false, installed, '/opt/pino-pretty/index.js'],
    [true, true, absent, undefined],
    ['auto', true, absent, undefined],
  ] as const)('pretty %j, terminal %j → %j', (pretty, isTTY, resolvePretty, expected) => {
    expect(prettyTarget(pretty, { isTTY, resolvePretty })).toBe(expected);
  });
});

describe('createLogger', () => {
  it('works on a terminal without pino-pretty', () => {
    const log = createLogger({ level: 'silent', pretty: 'auto' }, undefined, { isTTY: true, resolvePretty: absent });
    expect(() => log.info('hello')).not.toThrow();
  });

  it('hands lines to the pretty transport on a terminal, secrets already redacted', async () => {
    const out = join(t.dir, 'pretty.log');
    // A stand-in for pino-pretty: a transport module that appends what it gets to a file.
    const target = join(t.dir, 'fake-pretty.mjs');
    writeFileSync(target, `import { createWriteStream } from 'node:fs';\nexport default () => createWriteStream(${JSON.stringify(out)});\n`);
    const log = createLogger({ level: 'info', pretty: 'auto' }, undefined, { isTTY: true, resolvePretty: () => target });
    log.info({ clientSecret: 'do-not-log-me' }, 'through the transport');
    log.flush();
    await until(() => {
      try {
        return readFileSync(out, 'utf8').includes('through the transport');
      } catch {
        return false;
      }
    }, 10_000);
    const line = readFileSync(out, 'utf8');
    expect(line).toContain('[redacted]');
    expect(line).not.toContain('do-not-log-me');
  });
});

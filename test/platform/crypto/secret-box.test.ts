import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { SecretBox, SecretBoxError } from '../../../src/platform/crypto/index.js';
import { createLogger } from '../../../src/platform/logging/index.js';

describe('secret box', () => {
  const box = new SecretBox(Buffer.alloc(32, 7));

  it('round-trips and never stores the plaintext', () => {
    const stored = box.encrypt('TXlTdXBlclNlY3JldA==');
    expect(stored).toMatch(/^v1:/);
    expect(stored).not.toContain('TXlTdXBlclNlY3JldA');
    expect(box.decrypt(stored)).toBe('TXlTdXBlclNlY3JldA==');
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it('refuses a wrong key and a short key with a clear error', () => {
    const other = new SecretBox(Buffer.alloc(32, 8));
    expect(() => other.decrypt(box.encrypt('x'))).toThrow(/masterKey/);
    expect(() => new SecretBox(Buffer.alloc(16))).toThrow(SecretBoxError);
  });
});

describe('logger redaction', () => {
  it('censors secrets at any of the first levels', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _e, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger({ level: 'info' }, sink);
    // Values no timestamp can contain: 'T2' alone matched the ISO time after 20:00 UTC ("…T20:12…").
    const secrets = { s1: 'secret-one-Q', s2: 'secret-two-Q', k1: 'api-key-one-Q', bearer: 'Bearer token-one-Q', t2: 'token-two-Q' };
    log.info({ clientSecret: secrets.s1, tenant: { genesys: { clientSecret: secrets.s2 } }, headers: { 'x-api-key': secrets.k1, authorization: secrets.bearer }, token: secrets.t2 }, 'hello');
    const text = lines.join('');
    for (const s of Object.values(secrets)) expect(text).not.toContain(s);
    expect(text).toContain('[redacted]');
  });
});

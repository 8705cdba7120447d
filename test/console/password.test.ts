/** scrypt hashes: parameters and salt in the string, a right password verifies, anything else does not. */
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/console/index.js';

describe('password hashes', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const h = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('correct horse batterY', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
  });

  it('stores the cost parameters and a fresh salt in each hash', async () => {
    const a = await hashPassword('same password', { N: 1024, r: 8, p: 1 });
    const b = await hashPassword('same password', { N: 1024, r: 8, p: 1 });
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    // The parameters are read back from the hash: a hash made with other parameters still verifies.
    expect(await verifyPassword('same password', a)).toBe(true);
    expect(await verifyPassword('same password', (await hashPassword('same password')).replace('$1$', '$2$'))).toBe(false);
  });

  it('refuses a malformed hash without throwing', async () => {
    for (const bad of ['', 'scrypt', 'bcrypt$1$2$3$a$b', 'scrypt$x$8$1$aa$bb', 'scrypt$1024$8$1$aa$bb$cc']) expect(await verifyPassword('whatever', bad)).toBe(false);
  });
});

/**
 * Encrypts secrets at rest (tenant OAuth secrets, AudioHook client secrets,
 * downstream tokens) with AES-256-GCM under the master key.
 * Stored form: "v1:" + base64(iv[12] | tag[16] | ciphertext).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

const PREFIX = 'v1:';

export class SecretBox {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new SecretBoxError('security.masterKey: must decode to exactly 32 bytes');
    this.key = masterKey;
  }

  static fromBase64(text: string): SecretBox {
    return new SecretBox(Buffer.from(text, 'base64'));
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
  }

  decrypt(stored: string): string {
    if (!stored.startsWith(PREFIX)) throw new SecretBoxError('stored secret has an unknown format');
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('cannot decrypt a stored secret: wrong security.masterKey?');
    }
  }
}

/**
 * Reads the master key file, creating it (mode 0600) on first use. Only for the
 * single-machine SQLite setup; replicas on PostgreSQL must share a configured key.
 */
export function loadOrCreateKeyFile(path: string): { key: Buffer; created: boolean } {
  if (existsSync(path)) return { key: Buffer.from(readFileSync(path, 'utf8').trim(), 'base64'), created: false };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, created: true };
}

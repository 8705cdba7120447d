/**
 * The shared services one process needs, opened from configuration: logger,
 * database (migrated), secret box, tenant store, object store. Used by
 * `hookline serve` and by the CLI's management commands.
 */
import { join, resolve } from 'node:path';
import type { Config } from '../platform/config/index.js';
import { ConfigError } from '../platform/config/index.js';
import { SecretBox, loadOrCreateKeyFile } from '../platform/crypto/index.js';
import { openDatabase, type Db } from '../platform/db/index.js';
import { createLogger, type Logger } from '../platform/logging/index.js';
import { openObjectStore, type ObjectStore } from '../platform/objects/index.js';
import { TenantStore } from '../tenants/index.js';

export interface Context {
  config: Config;
  log: Logger;
  db: Db;
  box: SecretBox;
  tenants: TenantStore;
  objects: ObjectStore;
  close(): Promise<void>;
}

export function resolveMasterKey(config: Config, log: Logger): SecretBox {
  if (config.security.masterKey) {
    const key = Buffer.from(config.security.masterKey, 'base64');
    if (key.length !== 32) throw new ConfigError([`security.masterKey: must be base64 of 32 bytes (got ${key.length} bytes)`]);
    return new SecretBox(key);
  }
  if (!config.database.startsWith('sqlite:')) {
    throw new ConfigError(['security.masterKey: required with PostgreSQL so every replica decrypts the same secrets (set HOOKLINE_MASTER_KEY; `hookline keygen` makes one)']);
  }
  const path = join(resolve(config.dataDir), 'master.key');
  const { key, created } = loadOrCreateKeyFile(path);
  if (created) log.warn({ path }, 'generated a master key for stored secrets; back it up, or set security.masterKey');
  return new SecretBox(key);
}

export async function openContext(config: Config, log?: Logger): Promise<Context> {
  const logger = log ?? createLogger({ level: config.logging.level, pretty: config.logging.pretty });
  const box = resolveMasterKey(config, logger);
  const db = await openDatabase(config.database, undefined, logger);
  const tenants = new TenantStore(db, box);
  await tenants.applyConfig(config.tenants);
  const objects = await openObjectStore(config.objects.url, config.objects.s3);
  return {
    config,
    log: logger,
    db,
    box,
    tenants,
    objects,
    async close() {
      await objects.close();
      await db.close();
    },
  };
}

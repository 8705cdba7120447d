/**
 * The shared services one process needs, opened from configuration: logger,
 * database (migrated), secret box, tenant store, object store. Used by
 * `hookline serve` and by the CLI's management commands.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from './config.js';
import { ConfigError } from '../platform/config/index.js';
import { SecretBox, loadOrCreateKeyFile } from '../platform/crypto/index.js';
import type { Db } from '../platform/db/index.js';
import { createLogger, type Logger } from '../platform/logging/index.js';
import { openObjectStore, type ObjectStore } from '../platform/objects/index.js';
import { CONFIG_ORIGIN, TenantStore, type ConfigOrigin } from '../tenants/index.js';
import { openAppDatabase } from './database.js';

export interface Context {
  config: Config;
  log: Logger;
  db: Db;
  box: SecretBox;
  tenants: TenantStore;
  objects: ObjectStore;
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * Makes the database match `config.tenants`, owning what it writes as
   * `origin` (see TenantStore.applyConfig); false: leave tenants alone. Only
   * `serve` syncs: a management command run without the server's config would
   * otherwise apply an empty list and delete the server's tenants.
   */
  syncTenants: { origin: ConfigOrigin } | false;
  /** Never create the database or the master key (commands that only read). */
  readOnly?: boolean;
}

export function resolveMasterKey(config: Config, log: Logger, readOnly = false): SecretBox {
  if (config.security.masterKey) {
    const key = Buffer.from(config.security.masterKey, 'base64');
    if (key.length !== 32) throw new ConfigError([`security.masterKey: must be base64 of 32 bytes (got ${key.length} bytes)`]);
    return new SecretBox(key);
  }
  if (!config.database.startsWith('sqlite:')) {
    throw new ConfigError(['security.masterKey: required with PostgreSQL so every replica decrypts the same secrets (set HOOKLINE_MASTER_KEY; `hookline keygen` makes one)']);
  }
  const path = join(resolve(config.dataDir), 'master.key');
  if (readOnly && !existsSync(path)) throw new ConfigError([`security.masterKey: not set and no key file at ${path} (pass --config, or set HOOKLINE_MASTER_KEY)`]);
  const { key, created } = loadOrCreateKeyFile(path);
  if (created) log.warn({ path }, 'generated a master key for stored secrets; back it up, or set security.masterKey');
  return new SecretBox(key);
}

export async function openContext(config: Config, log?: Logger, options: OpenOptions = { syncTenants: { origin: CONFIG_ORIGIN } }): Promise<Context> {
  const logger = log ?? createLogger({ level: config.logging.level, pretty: config.logging.pretty });
  const readOnly = options.readOnly === true;
  const box = resolveMasterKey(config, logger, readOnly);
  const db = await openAppDatabase(config.database, { log: logger, mustExist: readOnly });
  const tenants = new TenantStore(db, box);
  if (options.syncTenants) await tenants.applyConfig(config.tenants, options.syncTenants.origin);
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

/**
 * Console users: lower-case unique usernames, scrypt hashes, a role per
 * tenant (admin or viewer) and an optional global admin flag.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Db } from '../platform/db/index.js';
import { DEFAULT_SCRYPT, checkPassword, hashPassword, verifyPassword, type ScryptParams } from './password.js';
import type { ConsoleTables, ConsoleUsersTable } from './tables.js';

export type Role = 'admin' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'viewer'];

export interface TenantRole {
  tenant: string;
  role: Role;
}

export interface ConsoleUser {
  id: string;
  username: string;
  roles: TenantRole[];
  globalAdmin: boolean;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export class UserError extends Error {
  override name = 'UserError';
}

const USERNAME = /^[a-z0-9][a-z0-9._@-]{0,63}$/;
const rolesSchema = z.array(z.strictObject({ tenant: z.string().min(1).max(64), role: z.enum(['admin', 'viewer']) })).max(1000);

export function normalizeUsername(username: string): string {
  const u = username.trim().toLowerCase();
  if (!USERNAME.test(u)) throw new UserError('username: must be 1 to 64 of a-z 0-9 . _ @ -, starting with a letter or digit');
  return u;
}

/** `tenant:role`, as the CLI's --role takes it. */
export function parseRole(spec: string): TenantRole {
  const i = spec.lastIndexOf(':');
  const tenant = spec.slice(0, i).trim().toLowerCase();
  const role = ROLES.find((r) => r === spec.slice(i + 1));
  if (i <= 0 || !role) throw new UserError(`--role: must be <tenant>:<admin|viewer>, got "${spec}"`);
  return { tenant, role };
}

const fromRow = (r: ConsoleUsersTable): ConsoleUser => ({
  id: r.id,
  username: r.username,
  roles: rolesSchema.parse(JSON.parse(r.roles)),
  globalAdmin: r.global_admin === 1,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface NewUser {
  username: string;
  password: string;
  roles: TenantRole[];
  globalAdmin?: boolean;
}

export class UserStore {
  private readonly k: Kysely<ConsoleTables>;
  /** A hash of nothing anyone knows: an unknown user costs the same scrypt as a known one. */
  private decoy: Promise<string> | undefined;

  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
    private readonly scrypt: ScryptParams = DEFAULT_SCRYPT,
  ) {
    this.k = db.kysely.withTables<ConsoleTables>();
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  async add(u: NewUser): Promise<ConsoleUser> {
    const username = normalizeUsername(u.username);
    checkPassword(u.password);
    const roles = rolesSchema.parse(u.roles.map((r) => ({ tenant: r.tenant.toLowerCase(), role: r.role })));
    if (await this.k.selectFrom('console_users').select('id').where('username', '=', username).executeTakeFirst()) throw new UserError(`user ${username} already exists`);
    const row: ConsoleUsersTable = {
      id: randomUUID(),
      username,
      password_hash: await hashPassword(u.password, this.scrypt),
      roles: JSON.stringify(roles),
      global_admin: u.globalAdmin === true ? 1 : 0,
      disabled: 0,
      created_at: this.iso(),
      updated_at: this.iso(),
    };
    await this.k.insertInto('console_users').values(row).execute();
    return fromRow(row);
  }

  async list(): Promise<ConsoleUser[]> {
    return (await this.k.selectFrom('console_users').selectAll().orderBy('username').execute()).map(fromRow);
  }

  async get(id: string): Promise<ConsoleUser | undefined> {
    const row = await this.k.selectFrom('console_users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async byUsername(username: string): Promise<ConsoleUser | undefined> {
    const row = await this.k.selectFrom('console_users').selectAll().where('username', '=', normalizeUsername(username)).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /** False when there is no such user. */
  async setDisabled(username: string, disabled: boolean): Promise<boolean> {
    const r = await this.k.updateTable('console_users').set({ disabled: disabled ? 1 : 0, updated_at: this.iso() }).where('username', '=', normalizeUsername(username)).executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async setPassword(username: string, password: string): Promise<boolean> {
    checkPassword(password);
    const hash = await hashPassword(password, this.scrypt);
    const r = await this.k.updateTable('console_users').set({ password_hash: hash, updated_at: this.iso() }).where('username', '=', normalizeUsername(username)).executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /**
   * The user when the password is right and the user enabled; undefined
   * otherwise, after the same scrypt work whichever way it failed.
   */
  async verify(username: string, password: string): Promise<ConsoleUser | undefined> {
    let name: string;
    try {
      name = normalizeUsername(username);
    } catch {
      name = '';
    }
    const row = name ? await this.k.selectFrom('console_users').selectAll().where('username', '=', name).executeTakeFirst() : undefined;
    this.decoy ??= hashPassword('decoy', this.scrypt);
    const ok = await verifyPassword(password, row?.password_hash ?? (await this.decoy));
    return row && ok && row.disabled === 0 ? fromRow(row) : undefined;
  }
}

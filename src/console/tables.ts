/**
 * Tables of the console capability (operator web console). Timestamps are
 * ISO-8601 text; flags are integers 0/1 and roles JSON text, so one migration
 * serves SQLite and PostgreSQL.
 */
export interface ConsoleUsersTable {
  id: string;
  /** Lower-case, unique. */
  username: string;
  /** `scrypt$N$r$p$salt$hash` (password.ts): parameters travel with the hash. */
  password_hash: string;
  /** JSON: `[{ tenant, role: 'admin' | 'viewer' }]`. */
  roles: string;
  global_admin: number;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export interface ConsoleSessionsTable {
  /** Hex SHA-256 of the cookie value: a stolen table holds no usable cookie. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  /** The absolute end: the idle end is last_seen_at + the idle timeout. */
  expires_at: string;
}

/** The tables this capability owns, by name (a type alias: see `Db` in src/platform/db/connect.ts). */
export type ConsoleTables = {
  console_users: ConsoleUsersTable;
  console_sessions: ConsoleSessionsTable;
};

/**
 * Opens the database named by `database:` — `sqlite:<path>` (embedded default)
 * or `postgres://…[?schema=name]` — and runs the migrations its caller gives.
 * Both dialects use the same Kysely schema and queries. The platform knows no
 * table: each owner brings its table types and migrations (docs/database.md).
 */
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Logger } from '../logging/index.js';
import { backoffDelay } from '../util/backoff.js';
import { errorMessage } from '../util/error-message.js';
import { redactUrl } from '../util/redact-url.js';
import { DatabaseError } from './errors.js';
import type { Migrations } from './migrations.js';

export type Dialect = 'sqlite' | 'postgres';

/** A connection's type names no table of its own (see `Db.kysely`). */
export type NoTables = Record<never, never>;

export interface Db {
  /**
   * The connection, typed with no table. An owner of tables takes its view
   * with `db.kysely.withTables<ItsTables>()` (Kysely API docs, `withTables`:
   * it only changes the type and shares this connection), so every store is
   * typed by the tables it touches. A Kysely<A & B> is not a Kysely<A> (the
   * type is invariant in its table map), which is why the view is not taken
   * from a composed whole. Table maps are type aliases, not interfaces:
   * `withTables` wants an index signature, which TypeScript gives type
   * aliases only (microsoft/TypeScript#15300).
   */
  readonly kysely: Kysely<NoTables>;
  readonly dialect: Dialect;
  /** PostgreSQL schema the deployment lives in (from `?schema=`), when not the default. */
  readonly schema?: string | undefined;
  close(): Promise<void>;
}

export interface OpenOptions {
  migrations: Migrations;
  /** Tries to reach PostgreSQL before giving up. */
  attempts?: number;
  /** Hears about broken PostgreSQL connections. */
  log?: Logger | undefined;
  /** A SQLite file that is not there is an error, not created (read-only commands). */
  mustExist?: boolean;
}

function openSqlite(url: string, mustExist: boolean): Db {
  const path = url.slice('sqlite:'.length) || ':memory:';
  if (path !== ':memory:' && mustExist && !existsSync(path)) throw new DatabaseError(`database: ${path} does not exist (pass --config, or run \`hookline serve\` first)`);
  if (path !== ':memory:' && !mustExist) createPrivate(path);
  const database = new BetterSqlite3(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  const kysely = new Kysely<NoTables>({ dialect: new SqliteDialect({ database }) });
  return { kysely, dialect: 'sqlite', close: () => kysely.destroy() };
}

/**
 * The database holds API keys and tenant settings: its directory is 0700 and
 * the file 0600 (SQLite gives its -wal and -shm files the database file's mode).
 */
function createPrivate(path: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/** A PostgreSQL connection that breaks is reported here instead of ending the process. */
type OnConnectionError = (err: Error) => void;

/** How long taking a connection may wait: a server that is gone must fail queries, not hang them. */
const CONNECT_TIMEOUT_MS = 10_000;

async function openPostgres(url: string, onError: OnConnectionError): Promise<Db> {
  // Loaded only for PostgreSQL deployments.
  const { default: pg } = await import('pg');
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  const connectionString = parsed.toString();
  if (schema !== null) {
    if (!SCHEMA_RE.test(schema)) throw new DatabaseError(`database: schema "${schema}" must be a lower-case identifier`);
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    client.on('error', onError);
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(schema !== null ? { options: `-c search_path=${schema}` } : {}),
  });
  // pg emits 'error' where no query is active to reject: an idle pooled
  // connection whose server restarted (57P01), a connection checked out
  // between the queries of a transaction. Unheard, an 'error' event ends the
  // process. The pool drops the broken connection and opens a new one for the
  // next query, so reporting it is all there is to do. Every client gets the
  // listener; the pool re-emits an idle client's error, already reported.
  pool.on('connect', (client) => client.on('error', onError));
  pool.on('error', () => undefined);
  const kysely = new Kysely<NoTables>({ dialect: new PostgresDialect({ pool }) });
  return { kysely, dialect: 'postgres', schema: schema ?? undefined, close: () => kysely.destroy() };
}

/** Runs the migrations not run yet; returns the names it ran. */
export async function migrate(db: Db, migrations: Migrations): Promise<string[]> {
  const provider = { getMigrations: async () => migrations };
  // Kysely looks for its own tables in every schema unless told which: pin it,
  // or a deployment in a fresh schema fails while another schema has them.
  const migrator = new Migrator({ db: db.kysely, provider, ...(db.schema ? { migrationTableSchema: db.schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new DatabaseError(`migration failed: ${errorMessage(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Between connection attempts: 200 ms doubling, at most 3 s. */
const CONNECT_BACKOFF = { baseMs: 200, maxMs: 3000 };

/**
 * Opens and migrates. Retries a few times when PostgreSQL is not reachable yet.
 * Once open, a PostgreSQL restart fails the queries in flight (callers retry)
 * and the pool reconnects by itself; `log` hears about the broken connections.
 */
export async function openDatabase(url: string, options: OpenOptions): Promise<Db> {
  const { migrations, attempts = 5, log, mustExist = false } = options;
  if (url.startsWith('sqlite:')) {
    const db = openSqlite(url, mustExist);
    await migrate(db, migrations);
    return db;
  }
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const db = await openPostgres(url, (err) => log?.warn({ err: err.message, code: (err as { code?: string }).code }, 'database: PostgreSQL connection lost; reconnecting on next use'));
      await sql`select 1`.execute(db.kysely);
      await migrate(db, migrations);
      return db;
    } catch (err) {
      if (err instanceof DatabaseError) throw err;
      lastError = err;
      await sleep(backoffDelay(i + 1, CONNECT_BACKOFF));
    }
  }
  throw new DatabaseError(`database: cannot connect to ${redactUrl(url)}: ${errorMessage(lastError)}`);
}

export function nowIso(): string {
  return new Date().toISOString();
}

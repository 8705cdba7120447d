/**
 * The application's database: every owner's tables and migrations, composed.
 * The platform opens a connection knowing no table; each capability (and the
 * embedded queue) brings its table types and its migrations (docs/database.md).
 * The app, the CLI, the tests and the benchmarks open the database here.
 */
import type { Kysely } from 'kysely';
// The migrations and tables, not the index: database-only commands need no recognizer.
import { analysisMigrations } from '../analysis/migrations/index.js';
import type { AnalysisTables } from '../analysis/tables.js';
import { apiMigrations, type ApiTables } from '../api/index.js';
import { consoleMigrations, type ConsoleTables } from '../console/index.js';
import { conversationMigrations, type ConversationTables } from '../conversations/index.js';
// The migrations and tables, not the index: database-only commands need no wizard.
import { installMigrations } from '../install/migrations/index.js';
import type { InstallTables } from '../install/tables.js';
import type { IngestTables } from '../ingest/index.js';
// Not ingest's index: that loads the queue's AMQP client and the Genesys client, which database-only commands never need.
import { ingestMigrations } from '../ingest/migrations/index.js';
import { joinMigrations, openDatabase, type Db, type OpenOptions } from '../platform/db/index.js';
// Not the queue's index: that loads the AMQP client, which the CLI's database-only commands never need.
import { queueMigrations } from '../platform/queue/migrations/index.js';
import type { QueueTables } from '../platform/queue/tables.js';
import { tenantMigrations, type TenantTables } from '../tenants/index.js';
import type { TrackingTables } from '../tracking/index.js';
// The migrations module, not the index: the index loads the dispatcher, which database-only commands never need.
import { webhookMigrations } from '../webhooks/migrations/index.js';
import type { WebhookTables } from '../webhooks/tables.js';

/** Every table of the application. Two owners declaring one table differently would make its columns `never`. */
export type Database = TenantTables & QueueTables & ConversationTables & IngestTables & TrackingTables & ApiTables & WebhookTables & ConsoleTables & InstallTables & AnalysisTables;

/** Every migration, by name; Kysely runs them in name order, not in this order. */
export const MIGRATIONS = joinMigrations(tenantMigrations, queueMigrations, conversationMigrations, ingestMigrations, webhookMigrations, apiMigrations, consoleMigrations, installMigrations, analysisMigrations);

/** Opens the database and runs the migrations not run yet. */
export function openAppDatabase(url: string, options: Omit<OpenOptions, 'migrations'> = {}): Promise<Db> {
  return openDatabase(url, { ...options, migrations: MIGRATIONS });
}

/** The whole database, typed: for the console, tools and tests. Stores take their own tables' view instead. */
export function allTables(db: Db): Kysely<Database> {
  return db.kysely.withTables<Database>();
}

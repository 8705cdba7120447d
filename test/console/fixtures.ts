/**
 * The console's routes and the read API on a bare Fastify app (no port), as
 * the admin listener registers them, over a fresh SQLite database, with a
 * virtual clock and cheap scrypt parameters.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { ReadModel, TokenStore, readRoutes, registerRoutes, type RouteSpec } from '../../src/api/index.js';
import { openAppDatabase } from '../../src/app/database.js';
import { consoleSchema, apiSessionAuthenticator, registerConsoleRoutes, SessionStore, UserStore, type TenantSummary } from '../../src/console/index.js';
import { ConversationStore, LiveStore } from '../../src/conversations/index.js';
import type { Db } from '../../src/platform/db/index.js';
import { tempDir } from '../helpers/tmp.js';

export const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

export interface ConsoleApp {
  app: FastifyInstance;
  db: Db;
  users: UserStore;
  tokens: TokenStore;
  tenants: TenantSummary[];
  clock: { now: number };
  close(): Promise<void>;
}

/** `routes`: more read-API routes to serve beside the read routes (built over the app's database and read model). */
export async function consoleApp(config: Record<string, unknown> = {}, loopback = true, routes: (db: Db, read: ReadModel) => RouteSpec[] | Promise<RouteSpec[]> = () => []): Promise<ConsoleApp> {
  const tmp = tempDir('hookline-console-');
  const db = await openAppDatabase(`sqlite:${tmp.dir}/c.db`);
  const clock = { now: Date.UTC(2026, 0, 1) };
  const now = () => clock.now;
  const c = consoleSchema.parse(config);
  const users = new UserStore(db, now, FAST_SCRYPT);
  const sessions = new SessionStore(db, { idleMs: c.idleTimeoutMs, absoluteMs: c.absoluteTimeoutMs }, now);
  const tenants: TenantSummary[] = [
    { orgId: randomUUID(), name: 'Acme', admission: 'all', keyCount: 2 },
    { orgId: randomUUID(), name: 'Globex', admission: 'monitored-group', keyCount: 0 },
  ];
  const app = Fastify();
  const deps = { users, sessions, config: c, tenants: async () => tenants, loopback, now };
  registerConsoleRoutes(app, deps);
  const tokens = new TokenStore(db);
  const read = new ReadModel(db, new ConversationStore(db), new LiveStore(db), { eventsSettleMs: 0 });
  registerRoutes(app, [...readRoutes({ read, tokens }), ...(await routes(db, read))], { tokens, sessions: apiSessionAuthenticator(deps) });
  await app.ready();
  return {
    app,
    db,
    users,
    tokens,
    tenants,
    clock,
    close: async () => {
      await app.close();
      await db.close();
      tmp.cleanup();
    },
  };
}

/** The cookie value a login's Set-Cookie carries. */
export function cookieOf(setCookie: string | string[] | undefined): string {
  const line = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  const m = /^hookline_session=([^;]*)/.exec(line ?? '');
  if (!m) throw new Error(`no session cookie in ${String(line)}`);
  return m[1] as string;
}

/**
 * Console login sessions. The cookie carries 256 random bits; the table keeps
 * only their SHA-256 (the session id), so reading the table gives no usable
 * cookie. A session ends at the first of: its idle timeout since last seen,
 * its absolute timeout since login, logout, or its user being disabled.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/index.js';
import type { ConsoleTables } from './tables.js';

export interface SessionTimeouts {
  idleMs: number;
  absoluteMs: number;
}

export interface ConsoleSession {
  id: string;
  userId: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

/** last_seen_at is written at most this often per session (a read per request, a write per minute). */
export const TOUCH_RESOLUTION_MS = 60_000;
const COOKIE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

const sessionId = (cookie: string): string => createHash('sha256').update(cookie).digest('hex');

export class SessionStore {
  private readonly k: Kysely<ConsoleTables>;

  constructor(
    db: Db,
    private readonly timeouts: SessionTimeouts,
    private readonly now: () => number = Date.now,
  ) {
    this.k = db.kysely.withTables<ConsoleTables>();
  }

  /** A new session; `cookie` is the only copy of its secret. */
  async create(userId: string): Promise<{ session: ConsoleSession; cookie: string }> {
    const cookie = randomBytes(32).toString('base64url');
    const now = this.now();
    const row = {
      id: sessionId(cookie),
      user_id: userId,
      csrf_token: randomBytes(32).toString('base64url'),
      created_at: new Date(now).toISOString(),
      last_seen_at: new Date(now).toISOString(),
      expires_at: new Date(now + this.timeouts.absoluteMs).toISOString(),
    };
    await this.k.insertInto('console_sessions').values(row).execute();
    return { session: { id: row.id, userId, csrfToken: row.csrf_token, createdAt: row.created_at, expiresAt: row.expires_at }, cookie };
  }

  /** The live session of a cookie value; an expired one is deleted and undefined. */
  async find(cookie: string): Promise<ConsoleSession | undefined> {
    if (!COOKIE_SHAPE.test(cookie)) return undefined;
    const id = sessionId(cookie);
    const row = await this.k.selectFrom('console_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const now = this.now();
    if (now >= Date.parse(row.expires_at) || now >= Date.parse(row.last_seen_at) + this.timeouts.idleMs) {
      await this.k.deleteFrom('console_sessions').where('id', '=', id).execute();
      return undefined;
    }
    if (now - Date.parse(row.last_seen_at) >= TOUCH_RESOLUTION_MS) {
      await this.k.updateTable('console_sessions').set({ last_seen_at: new Date(now).toISOString() }).where('id', '=', id).execute();
    }
    return { id, userId: row.user_id, csrfToken: row.csrf_token, createdAt: row.created_at, expiresAt: row.expires_at };
  }

  async delete(id: string): Promise<void> {
    await this.k.deleteFrom('console_sessions').where('id', '=', id).execute();
  }

  /** Ends every session of a user (disabled, or password changed). */
  async deleteForUser(userId: string): Promise<number> {
    const r = await this.k.deleteFrom('console_sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** Deletes sessions past their absolute end (idle ones go when next seen, or here once past the absolute end). */
  async sweep(): Promise<number> {
    const r = await this.k.deleteFrom('console_sessions').where('expires_at', '<=', new Date(this.now()).toISOString()).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

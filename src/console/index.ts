/**
 * The console capability (server side): console users and their login
 * sessions, the console's JSON API and static app on the admin listener, and
 * the session authenticator the read API accepts besides tokens. Nothing here
 * opens a port: the app registers the routes on the admin listener.
 */
export { consoleMigrations } from './migrations/index.js';
export type { ConsoleTables, ConsoleSessionsTable, ConsoleUsersTable } from './tables.js';
export { consoleSchema, type ConsoleConfig } from './config.js';
export { DEFAULT_SCRYPT, PasswordError, hashPassword, verifyPassword, type ScryptParams } from './password.js';
export { ROLES, UserError, UserStore, normalizeUsername, parseRole, type ConsoleUser, type NewUser, type Role, type TenantRole } from './users.js';
export { SessionStore, TOUCH_RESOLUTION_MS, type ConsoleSession, type SessionTimeouts } from './sessions.js';
export { LoginLimiter, type RateLimitOptions } from './rate-limit.js';
export { SESSION_COOKIE, apiSessionAuthenticator, registerConsoleRoutes, roleOn, sameOrigin, type ConsoleDeps, type TenantSummary } from './routes.js';
export { CONSOLE_CSP, loadAssets, registerAssets, type Asset } from './assets.js';

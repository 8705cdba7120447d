/**
 * The install capability: the wizard at `/install/` on the admin listener that installs Hookline
 * into a customer's Genesys Cloud org (role, OAuth client, monitored group, AudioHook Monitor
 * integration) and the Hookline tenant with its key, resumably and undoably (docs/install.md).
 */
export { installMigrations } from './migrations/index.js';
export type { InstallTables, InstallCredentialsTable, InstallRunsTable } from './tables.js';
export { installSchema, genesysUrls, type InstallConfig } from './config.js';
export { InstallerCredentials, InstallerError, INSTALLER_TOKEN_PREFIX, type InstallerInfo } from './credentials.js';
export { RunStore, type Run, type RunState, type Created } from './runs.js';
export { ADMIN_PERMISSIONS, CLIENT_POLICIES, InstallError, InstallService, STEPS, type Check, type InstallDeps } from './service.js';
export { INSTALL_COOKIE, installCsp, registerInstallRoutes, runView, type InstallRouteDeps } from './routes.js';
export { installOpenApiPaths, withInstallPaths } from './openapi.js';

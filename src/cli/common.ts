/**
 * Helpers shared by CLI commands: loading config, opening the context, output.
 */
import type { Command } from 'commander';
import type { Context } from '../app/context.js';
import { loadConfig, type Config } from '../app/config.js';
import type { Tenant } from '../tenants/index.js';

/** The config file the command reads: --config, else HOOKLINE_CONFIG. */
export function configFile(cmd: Command): string | undefined {
  return cmd.optsWithGlobals<{ config?: string }>().config ?? process.env.HOOKLINE_CONFIG;
}

export function configFrom(cmd: Command, overrides: Record<string, unknown> = {}): Config {
  return loadConfig({ file: configFile(cmd), overrides });
}

export interface ManageOptions {
  /** The command only reads: it never creates the database or a master key. */
  readOnly?: boolean;
}

/**
 * Opens the database etc. for a management command, quietly (warnings only).
 * Never applies the config file's tenants: only `serve` does, so a command run
 * with another (or no) config cannot delete the server's tenants.
 */
export async function withContext<T>(cmd: Command, fn: (ctx: Context) => Promise<T>, options: ManageOptions = {}): Promise<T> {
  const config = configFrom(cmd);
  // Loaded on demand: `hookline keygen` or `--help` should not pay for the database and S3 SDK.
  const { createLogger } = await import('../platform/logging/index.js');
  const { openContext } = await import('../app/context.js');
  const log = createLogger({ level: process.env.HOOKLINE_LOGGING__LEVEL ?? 'warn' });
  const ctx = await openContext(config, log, { syncTenants: false, readOnly: options.readOnly === true });
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/**
 * The tenant a command acts on: the database's, else the one the `--config`
 * file declares (read, never written: serve owns that sync), so `reconcile`
 * and `backfill` work with the server's own config before it ever ran.
 */
export async function findTenant(ctx: Context, orgId: string): Promise<Tenant | undefined> {
  const { normalizeOrgId, tenantSchema } = await import('../tenants/index.js');
  const stored = await ctx.tenants.getTenant(orgId);
  if (stored) return stored;
  const declared = ctx.config.tenants.find((t) => normalizeOrgId(t.orgId) === normalizeOrgId(orgId));
  if (!declared) return undefined;
  // A mutable copy, like the store's: the loaded config itself is frozen.
  const { apiKeys: _keys, ...tenant } = tenantSchema.parse(declared);
  return { ...tenant, orgId: normalizeOrgId(tenant.orgId) };
}

export function print(value: unknown, json: boolean, table?: () => string): void {
  process.stdout.write(json || !table ? JSON.stringify(value, null, 2) + '\n' : table() + '\n');
}

export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((r) => columns.map((c) => (r[c] === undefined || r[c] === null ? '' : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i] as number)).join('  ').trimEnd();
  return [line(columns), ...cells.map(line)].join('\n');
}

export { mask } from '../platform/crypto/mask.js';

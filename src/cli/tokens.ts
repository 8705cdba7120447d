/**
 * `hookline token add|list|revoke`: per-tenant API tokens for the read API
 * and the Data Action endpoint. The token is printed once, at `add`.
 */
import type { Command } from 'commander';
import { print, table, withContext } from './common.js';

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('manage API tokens (read API, Genesys Data Actions)');
  token
    .command('add')
    .description('add an API token to a tenant (prints the token once)')
    .requiredOption('--tenant <orgId>', 'tenant organization id')
    .requiredOption('--name <name>', 'what the token is for')
    .option('--scope <scope>', 'read | admin (admin also lists the tenant\'s tokens over the API)', 'read')
    .action(async (o: { tenant: string; name: string; scope: string }, cmd: Command) => {
      const { SCOPES, TokenError, TokenStore } = await import('../api/index.js');
      const scope = SCOPES.find((s) => s === o.scope);
      if (!scope) throw new TokenError(`--scope: must be one of ${SCOPES.join(', ')}, got "${o.scope}"`);
      await withContext(cmd, async (ctx) => {
        if (!(await ctx.tenants.getTenant(o.tenant))) throw new TokenError(`--tenant: no tenant ${o.tenant}`);
        const { info, secret } = await new TokenStore(ctx.db).create(o.tenant, o.name, scope);
        process.stdout.write(`token ${info.id} (${info.scope}) for tenant ${info.tenant}:\n${secret}\nIt is not shown again: store it now (Authorization: Bearer <token>).\n`);
      });
    });
  token
    .command('list')
    .description('list API tokens (masked)')
    .option('--tenant <orgId>', 'only this tenant')
    .option('--json', 'print JSON')
    .action(async (o: { tenant?: string; json?: boolean }, cmd: Command) => {
      const { TokenStore } = await import('../api/index.js');
      await withContext(cmd, async (ctx) => {
        const list = await new TokenStore(ctx.db).list(o.tenant);
        print(list, o.json === true, () => table(list.map((t) => ({ ...t })), ['id', 'tenant', 'name', 'scope', 'token', 'createdAt', 'lastUsedAt', 'revokedAt']));
      }, { readOnly: true });
    });
  token
    .command('revoke')
    .description('revoke an API token (it stops working at once, on every replica)')
    .argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const { TokenError, TokenStore } = await import('../api/index.js');
      await withContext(cmd, async (ctx) => {
        if (!(await new TokenStore(ctx.db).revoke(id))) throw new TokenError(`no live token ${id}`);
        process.stdout.write(`token ${id} revoked\n`);
      });
    });
}

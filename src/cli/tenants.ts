/**
 * `hookline tenant add|list|remove` and `hookline apikey add|list|remove`.
 */
import type { Command } from 'commander';
import { freshApiKey } from '../tenants/index.js';
import { mask, print, table, withContext } from './common.js';
import { addSettingOptions, applySettings, registerTenantSettings, requireGateSettings } from './tenant-settings.js';

export function registerTenantCommands(program: Command): void {
  const tenant = program.command('tenant').description('manage tenants (Genesys organizations)');
  addSettingOptions(
    tenant.command('add').description('add a tenant').requiredOption('--org-id <uuid>', 'Genesys organization id').requiredOption('--name <name>', 'display name'),
  ).action(async (o: { orgId: string; name: string } & Parameters<typeof applySettings>[1], cmd: Command) => {
    const settings = applySettings({ orgId: o.orgId, name: o.name }, o);
    // Refused before the database is opened (or created).
    requireGateSettings(settings);
    await withContext(cmd, async (ctx) => {
      const { TenantStore } = await import('../tenants/index.js');
      const tenant = TenantStore.normalize(settings);
      await ctx.tenants.addTenant(tenant, 'cli');
      process.stdout.write(`tenant ${tenant.orgId} added\n`);
    });
  });
  tenant
    .command('list')
    .description('list tenants')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        const list = await ctx.tenants.listTenants();
        const keys = await ctx.tenants.listApiKeys();
        const rows = list.map((t) => ({ orgId: t.orgId, name: t.name, admission: t.admission, keys: keys.filter((k) => k.orgId === t.orgId).length, source: t.source }));
        print(rows, o.json === true, () => table(rows, ['orgId', 'name', 'admission', 'keys', 'source']));
      }, { readOnly: true });
    });
  tenant
    .command('remove')
    .description('remove a tenant and its API keys')
    .argument('<orgId>')
    .action(async (orgId: string, _o: unknown, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        if (!(await ctx.tenants.removeTenant(orgId))) throw new Error(`no tenant ${orgId}`);
        process.stdout.write(`tenant ${orgId} removed\n`);
      });
    });

  registerTenantSettings(tenant);

  const apikey = program.command('apikey').description('manage AudioHook API keys and client secrets');
  apikey
    .command('add')
    .description('add an API key to a tenant (prints the key and secret once)')
    .requiredOption('--org-id <uuid>', 'tenant organization id')
    .option('--key <key>', 'API key (default: generated)')
    .option('--secret <base64>', 'client secret, base64 of at least 16 bytes (default: generated)')
    .option('--unsigned', 'no client secret: accept unsigned requests for this key')
    .option('--label <text>', 'a note')
    .action(async (o: { orgId: string; key?: string; secret?: string; unsigned?: boolean; label?: string }, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        const fresh = freshApiKey();
        const key = o.key ?? fresh.apiKey;
        const secret = o.secret ?? (o.unsigned ? undefined : fresh.secret);
        await ctx.tenants.addApiKey({ orgId: o.orgId, apiKey: key, secret, unsigned: o.unsigned === true, label: o.label }, 'cli');
        process.stdout.write(`API key:       ${key}\nClient secret: ${secret ?? '(none: unsigned requests accepted)'}\n`);
        process.stdout.write('Enter both on the Genesys AudioHook integration\'s Credentials tab. The secret is not shown again.\n');
      });
    });
  apikey
    .command('list')
    .description('list API keys (secrets are never shown)')
    .option('--org-id <uuid>', 'only this tenant')
    .option('--json', 'print JSON')
    .action(async (o: { orgId?: string; json?: boolean }, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        const keys = (await ctx.tenants.listApiKeys(o.orgId)).map((k) => ({ ...k, apiKey: mask(k.apiKey), signed: k.hasSecret ? 'yes' : 'no' }));
        print(keys, o.json === true, () => table(keys, ['apiKey', 'orgId', 'signed', 'label', 'source', 'createdAt']));
      }, { readOnly: true });
    });
  apikey
    .command('remove')
    .description('remove an API key')
    .argument('<key>')
    .action(async (key: string, _o: unknown, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        if (!(await ctx.tenants.removeApiKey(key))) throw new Error('no such API key');
        process.stdout.write('API key removed\n');
      });
    });
}

/**
 * `hookline installer add|list|revoke`: the credentials a Hookline operator hands to a customer's
 * Genesys admin for the install wizard's Setup step (docs/install.md). The secret is printed once.
 */
import type { Command } from 'commander';
import { print, table, withContext } from './common.js';

export function registerInstallerCommands(program: Command): void {
  const installer = program.command('installer').description('manage install wizard credentials (docs/install.md)');
  installer
    .command('add')
    .description('issue an installer credential (prints its id and secret once)')
    .argument('<name>', 'who or what it is for, e.g. the customer')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const { InstallerCredentials } = await import('../install/index.js');
      await withContext(cmd, async (ctx) => {
        const { id, secret } = await new InstallerCredentials(ctx.db).add(name);
        process.stdout.write(`installer client id: ${id}\ninstaller client secret: ${secret}\nThe secret is not shown again: give both to the customer's Genesys admin for the wizard's Setup step.\n`);
      });
    });
  installer
    .command('list')
    .description('list installer credentials (no secrets)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const { InstallerCredentials } = await import('../install/index.js');
      await withContext(cmd, async (ctx) => {
        const list = await new InstallerCredentials(ctx.db).list();
        print(list, o.json === true, () => table(list.map((c) => ({ ...c })), ['id', 'name', 'createdAt', 'revokedAt']));
      }, { readOnly: true });
    });
  installer
    .command('revoke')
    .description('revoke an installer credential (its tokens stop working at once)')
    .argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const { InstallerCredentials, InstallerError } = await import('../install/index.js');
      await withContext(cmd, async (ctx) => {
        if (!(await new InstallerCredentials(ctx.db).revoke(id))) throw new InstallerError(`no live installer credential ${id}`);
        process.stdout.write(`installer credential ${id} revoked\n`);
      });
    });
}

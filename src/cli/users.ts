/**
 * `hookline user add|list|disable|enable|passwd`: operator console users.
 * A password is never an argument (it would sit in the shell history and the
 * process list): it comes from stdin with --password-stdin, or from a prompt
 * that does not echo.
 */
import type { Command } from 'commander';
import { findTenant, print, table, withContext } from './common.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  // One trailing newline is the shell's (echo, a file's last line), not the password's.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Reads a line from the terminal without echoing it. */
function prompt(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return Promise.reject(new Error('no terminal to ask the password on: use --password-stdin'));
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  let answer = '';
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(answer);
    };
    const onData = (b: Buffer) => {
      for (const ch of b.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Error('cancelled'));
        if (ch === '\u007f') answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function newPassword(fromStdin: boolean | undefined): Promise<string> {
  if (fromStdin) return readStdin();
  const first = await prompt('password: ');
  if ((await prompt('again: ')) !== first) throw new Error('the passwords differ');
  return first;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage operator console users');
  user
    .command('add')
    .description('add a console user (password from --password-stdin or a prompt)')
    .argument('<username>')
    .option('--role <tenant:role>', 'a role on a tenant: <orgId>:admin or <orgId>:viewer (repeatable)', collect, [])
    .option('--global-admin', 'admin on every tenant')
    .option('--password-stdin', 'read the password from stdin')
    .action(async (username: string, o: { role: string[]; globalAdmin?: boolean; passwordStdin?: boolean }, cmd: Command) => {
      const { UserError, UserStore, parseRole } = await import('../console/index.js');
      const roles = o.role.map(parseRole);
      if (roles.length === 0 && o.globalAdmin !== true) throw new UserError('--role or --global-admin: a user without either could see nothing');
      const password = await newPassword(o.passwordStdin);
      await withContext(cmd, async (ctx) => {
        for (const r of roles) if (!(await findTenant(ctx, r.tenant))) throw new UserError(`--role: no tenant ${r.tenant}`);
        const u = await new UserStore(ctx.db).add({ username, password, roles, globalAdmin: o.globalAdmin === true });
        process.stdout.write(`user ${u.username} added\n`);
      });
    });
  user
    .command('list')
    .description('list console users')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const { UserStore } = await import('../console/index.js');
      await withContext(cmd, async (ctx) => {
        const list = await new UserStore(ctx.db).list();
        const rows = list.map((u) => ({ ...u, roles: u.roles.map((r) => `${r.tenant}:${r.role}`).join(',') }));
        print(list, o.json === true, () => table(rows, ['username', 'roles', 'globalAdmin', 'disabled', 'createdAt', 'updatedAt']));
      }, { readOnly: true });
    });
  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    user
      .command(name)
      .description(disabled ? 'disable a console user (ends their sessions at once)' : 'enable a disabled console user')
      .argument('<username>')
      .action(async (username: string, _o: unknown, cmd: Command) => {
        const { UserError, UserStore, SessionStore } = await import('../console/index.js');
        await withContext(cmd, async (ctx) => {
          const users = new UserStore(ctx.db);
          if (!(await users.setDisabled(username, disabled))) throw new UserError(`no user ${username}`);
          const u = await users.byUsername(username);
          if (disabled && u) await new SessionStore(ctx.db, { idleMs: 0, absoluteMs: 0 }).deleteForUser(u.id);
          process.stdout.write(`user ${username.toLowerCase()} ${name}d\n`);
        });
      });
  }
  user
    .command('passwd')
    .description("set a console user's password (ends their sessions)")
    .argument('<username>')
    .option('--password-stdin', 'read the password from stdin')
    .action(async (username: string, o: { passwordStdin?: boolean }, cmd: Command) => {
      const { UserError, UserStore, SessionStore } = await import('../console/index.js');
      const password = await newPassword(o.passwordStdin);
      await withContext(cmd, async (ctx) => {
        const users = new UserStore(ctx.db);
        if (!(await users.setPassword(username, password))) throw new UserError(`no user ${username}`);
        const u = await users.byUsername(username);
        if (u) await new SessionStore(ctx.db, { idleMs: 0, absoluteMs: 0 }).deleteForUser(u.id);
        process.stdout.write(`password of ${username.toLowerCase()} changed\n`);
      });
    });
}

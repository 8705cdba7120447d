/**
 * A consumer process killed mid-handler (SIGKILL: no cleanup, no ack) leaves
 * its message to be delivered again: when its lease expires (table queue) or
 * when the broker sees the connection drop (RabbitMQ).
 *
 * The child runs the TypeScript sources directly: it registers a small module
 * hook that transpiles .ts with the project's TypeScript, so the test never
 * depends on a stale dist/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../../src/platform/db/index.js';
import { createLogger } from '../../../src/platform/logging/index.js';
import { openQueue, queueMigrations, type Message, type Queue } from '../../../src/platform/queue/index.js';
import { AMQP_URL, deleteRabbitQueues, dropPgSchema, pgUrlWithFreshSchema, uniqueName } from '../../helpers/services.js';
import { tempDir } from '../../helpers/tmp.js';

const logger = createLogger({ level: 'silent' });
const tmp = tempDir();
const pg = pgUrlWithFreshSchema();
const rabbitQueues: string[] = [];

afterAll(async () => {
  tmp.cleanup();
  await dropPgSchema(pg.schema);
  await deleteRabbitQueues(rabbitQueues);
});

/** Resolves `./x.js` imports to `./x.ts` and transpiles .ts files (types are stripped, not checked). */
const TS_HOOKS = `
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
const ts = createRequire(pathToFileURL(process.cwd() + '/'))('typescript');
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const url = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
    if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true };
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const source = await readFile(fileURLToPath(url), 'utf8');
  const options = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true };
  const { outputText } = ts.transpileModule(source, { fileName: fileURLToPath(url), compilerOptions: options });
  return { format: 'module', source: outputText, shortCircuit: true };
}`;

/** Takes one message, prints it as a JSON line, and never finishes handling it. */
const CHILD = `
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(TS_HOOKS)}));
const config = JSON.parse(process.env.QUEUE_CHILD);
const src = (path) => import(new URL('src/' + path, 'file://' + process.cwd() + '/').href);
const { openDatabase } = await src('platform/db/index.ts');
const { openQueue, queueMigrations } = await src('platform/queue/index.ts');
const { createLogger } = await src('platform/logging/index.ts');
const db = config.db ? await openDatabase(config.db, { migrations: queueMigrations }) : undefined;
const queue = await openQueue(config.url, { db, logger: createLogger({ level: 'silent' }) }, config.options);
queue.consume(config.queue, async (m) => {
  process.stdout.write(JSON.stringify(m) + '\\n');
  await new Promise(() => {});
}, { concurrency: 1, maxAttempts: 5 });
`;

interface ChildConfig {
  url: string;
  db?: string;
  queue: string;
  options: Record<string, unknown>;
}

/** Starts the child and resolves with the message it took. */
function startChild(config: ChildConfig): { child: ChildProcess; taken: Promise<Message<unknown>> } {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
    env: { ...process.env, QUEUE_CHILD: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const taken = new Promise<Message<unknown>>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n')[0];
      if (output.includes('\n') && line) resolve(JSON.parse(line) as Message<unknown>);
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before taking a message:\n${output}`)));
  });
  return { child, taken };
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

interface Backend {
  url: string;
  db?: () => string;
  childOptions: Record<string, unknown>;
  /** attempts on the redelivery: the table queue counts the lost delivery, RabbitMQ does not know of it. */
  redeliveredAttempts: number;
}

const backends: [string, Backend][] = [
  ['table queue on SQLite', { url: 'embedded', db: () => `sqlite:${tmp.dir}/crash.sqlite`, childOptions: { leaseMs: 300, pollMs: 20 }, redeliveredAttempts: 2 }],
  ['table queue on PostgreSQL', { url: 'embedded', db: () => pg.url, childOptions: { leaseMs: 300, pollMs: 20 }, redeliveredAttempts: 2 }],
  ['RabbitMQ', { url: AMQP_URL, childOptions: {}, redeliveredAttempts: 1 }],
];

describe.each(backends)('%s', (_name, backend) => {
  it('redelivers the message of a consumer killed mid-handler', { timeout: 60_000 }, async () => {
    const db: Db | undefined = backend.db ? await openDatabase(backend.db(), { migrations: queueMigrations }) : undefined;
    const queue: Queue = await openQueue(backend.url, { db, logger }, { pollMs: 20 });
    const q = uniqueName('q');
    if (backend.url !== 'embedded') rabbitQueues.push(q);
    const { child, taken } = startChild({ url: backend.url, db: backend.db?.(), queue: q, options: backend.childOptions });
    try {
      await queue.publish(q, { work: 'important' }, { key: 'k-1' });
      const first = await taken;
      expect(first).toMatchObject({ payload: { work: 'important' }, key: 'k-1', attempts: 1 });
      expect((await queue.stats(q)).ready).toBe(0); // the child holds it
      await kill(child);

      const again: Message<unknown>[] = [];
      queue.consume(q, async (m) => void again.push(m), { concurrency: 1, maxAttempts: 5 });
      await vi.waitFor(() => expect(again).toHaveLength(1), { timeout: 30_000, interval: 20 });
      expect(again[0]).toMatchObject({ id: first.id, payload: { work: 'important' }, key: 'k-1', attempts: backend.redeliveredAttempts });
      await vi.waitFor(async () => expect(await queue.stats(q)).toEqual({ ready: 0, inFlight: 0, dead: 0 }), { timeout: 10_000, interval: 20 });
    } finally {
      if (child.exitCode === null && child.signalCode === null) await kill(child);
      await queue.close();
      await db?.close();
    }
  });
});

/**
 * The two deployments measured: embedded (SQLite, the table queue, files) and
 * scaled out (PostgreSQL, RabbitMQ, S3). Every run gets its own temp dir,
 * schema, namespace and bucket; cleanup() removes what it can.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropSchema } from '../../src/platform/db/index.js';
import { AMQP_URL, PG_URL, S3 } from '../../test/helpers/service-urls.js';

export type StackName = 'embedded' | 'scaled';

export const STACK_LABELS: Record<StackName, string> = {
  embedded: 'embedded (SQLite, table queue, files)',
  scaled: 'RabbitMQ + PostgreSQL + S3',
};

export interface Stack {
  name: StackName;
  /** The deployment keys of the configuration. */
  config: Record<string, unknown>;
  cleanup(): Promise<void>;
}

export function makeStack(name: StackName): Stack {
  const id = randomBytes(4).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-ingest-'));
  const common = { dataDir: dir, namespace: `bench-${id}`, security: { masterKey: randomBytes(32).toString('base64') } };
  if (name === 'embedded') {
    return { name, config: { ...common, database: `sqlite:${dir}/hookline.db`, objects: { url: `file:${dir}/objects` }, queue: 'embedded' }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `bench_ingest_${id}`;
  return {
    name,
    config: { ...common, database: `${PG_URL}?schema=${schema}`, queue: AMQP_URL, objects: { url: `s3://bench-ingest-${id}`, s3: { ...S3, forcePathStyle: true, createBucket: true } } },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
      await dropSchema(PG_URL, schema);
    },
  };
}

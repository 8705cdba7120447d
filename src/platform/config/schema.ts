/**
 * The platform's own configuration sections (data directory, database, object
 * store, queue, shared state, secrets, logging, metrics) and the validators
 * every section uses. Each capability owns its own section; the whole schema
 * is composed in src/app/config.ts. Validation errors name the key (see load.ts).
 */
import { z } from 'zod';
import type { DeepReadonly } from './freeze.js';

export const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
export const port = z.number().int().min(0).max(65535);

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export const dataDirSchema = z.string().default('./data');

export const metricsSchema = z
  .strictObject({
    /** Prometheus metrics on their own listener, never on the public AudioHook port. */
    enabled: z.boolean().default(true),
    host: z.string().default('127.0.0.1'),
    port: port.default(9464),
    /** Required when host is not a loopback address: scrapers send `Authorization: Bearer <token>`. */
    bearerToken: z.string().min(16).optional(),
  })
  .refine((m) => !m.enabled || m.bearerToken !== undefined || isLoopback(m.host), {
    message: 'bearerToken is required when metrics listen on a non-loopback host',
    path: ['bearerToken'],
  })
  .prefault({});

export const databaseSchema = z
  .string()
  .regex(/^(sqlite:|postgres:\/\/|postgresql:\/\/)/, 'must start with sqlite: or postgres://')
  /** Default `sqlite:<dataDir>/hookline.db` (see withDataDirDefaults). */
  .optional();

export const objectsSchema = z
  .strictObject({
    /** Default `file:<dataDir>/objects` (see withDataDirDefaults). */
    url: z.string().regex(/^(file:|s3:\/\/)/, 'must start with file: or s3://').optional(),
    s3: z
      .strictObject({
        endpoint: z.string().url().optional(),
        region: z.string().default('us-east-1'),
        accessKeyId: z.string().optional(),
        secretAccessKey: z.string().optional(),
        forcePathStyle: z.boolean().default(true),
        createBucket: z.boolean().default(false),
      })
      .prefault({}),
  })
  .prefault({});

export const queueSchema = z.string().regex(/^(embedded$|amqps?:\/\/)/, 'must be "embedded" or an amqp:// URL').default('embedded');
/** Embedded queue: how long a claimed message is leased (renewed while its handler runs); a crashed replica's work returns after this. */
export const queueLeaseSecondsSchema = z.number().positive().default(30);
/** Prefix of queue names and shared-state keys: deployments sharing RabbitMQ or Redis stay apart. */
export const namespaceSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'lower-case letters, digits and -').default('hookline');
export const stateSchema = z.string().regex(/^(memory$|rediss?:\/\/)/, 'must be "memory" or a redis:// URL').default('memory');

export const securitySchema = z
  .strictObject({
    /** Base64 of 32 bytes. Required with PostgreSQL; generated into dataDir with SQLite. */
    masterKey: base64.optional(),
  })
  .prefault({});

export const loggingSchema = z
  .strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Pretty lines (pino-pretty, when installed) or JSON; `auto`: pretty when stdout is a terminal. */
    pretty: z.union([z.boolean(), z.literal('auto')]).default('auto'),
  })
  .prefault({});

/**
 * The embedded database and object store default to `dataDir`, as documented:
 * two instances with different data directories must not share a database
 * (and fight over its master key) because both defaulted to ./data.
 */
export function withDataDirDefaults<C extends { dataDir: string; database?: string | undefined; objects: { url?: string | undefined } }>(c: C) {
  const dir = c.dataDir.replace(/(.)\/+$/, '$1'); // ./data/ -> ./data, / stays /
  const under = (name: string) => (dir.endsWith('/') ? dir + name : `${dir}/${name}`);
  return {
    ...c,
    database: c.database ?? `sqlite:${under('hookline.db')}`,
    objects: { ...c.objects, url: c.objects.url ?? `file:${under('objects')}` },
  };
}

export type MetricsConfig = DeepReadonly<z.infer<typeof metricsSchema>>;
export type ObjectsConfig = DeepReadonly<z.infer<typeof objectsSchema>>;
export type LoggingConfig = DeepReadonly<z.infer<typeof loggingSchema>>;

/**
 * The whole configuration, composed here from the sections each capability
 * owns (the composition root is the one place that knows them all), with the
 * public listener's own `server` section, and `loadConfig` for the CLI.
 */
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
// The sections come from each capability's config module, not its index: every CLI command loads the
// configuration, and the indexes bring their whole runtime (ws, kysely, the Genesys client), which doubled
// the CLI's start time. The config modules import only zod, platform/config and pure protocol constants.
import { analysisSchema } from '../analysis/config.js';
import { apiSchema } from '../api/config.js';
import { consoleSchema } from '../console/config.js';
import { installSchema } from '../install/config.js';
import { audiohookSchema, recorderSchema, streamSchema } from '../capture/config.js';
import { ingestSchema } from '../ingest/config.js';
import {
  dataDirSchema,
  databaseSchema,
  deepFreeze,
  loadConfigFile,
  loggingSchema,
  metricsSchema,
  namespaceSchema,
  objectsSchema,
  port,
  queueLeaseSecondsSchema,
  queueSchema,
  securitySchema,
  stateSchema,
  inMs,
  withDataDirDefaults,
  type LoadOptions,
} from '../platform/config/index.js';
import { pluginsSchema, resolvePluginModules } from '../plugins/config.js';
import { tenantSchema } from '../tenants/config.js';
import { trackingSchema } from '../tracking/config.js';
import { voicebotServerSchema } from '../voicebot/config.js';
import { webhooksSchema } from '../webhooks/config.js';

const WORKERS_RULE = 'must be "auto" or a whole number of processes >= 1';

export const serverSchema = z
  .strictObject({
    host: z.string().default('0.0.0.0'),
    port: port.default(8080),
    /** Host[:port] Genesys dials, when a proxy changes the Host header. Used for the signature's @authority. */
    publicAuthority: z.string().optional(),
    /** Honour X-Forwarded-Host/-Port for @authority (ignored when publicAuthority is set). Off by default, like Fastify's trustProxy: a client must not pick the authority it is verified against. */
    trustForwardedHeaders: z.boolean().default(false),
    drainTimeoutSeconds: z.number().min(0).default(30),
    /** A request's headers must arrive within this (slowloris); also bounds how long a silent connection is held. */
    headersTimeoutMs: z.number().int().positive().default(10_000),
    /** A whole HTTP request (not a WebSocket once upgraded) must arrive within this. */
    requestTimeoutMs: z.number().int().positive().default(30_000),
    /** Open connections on the public port, sessions included; more are refused (hookline_http_connections_refused_total). */
    maxConnections: z.number().int().positive().default(10_000),
    /** Connections not (yet) authenticated as AudioHook sessions, in total and per source address. Behind a proxy every client has the proxy's address: raise the per-address bound to the total. */
    maxUnauthenticated: z.number().int().positive().default(1024),
    maxUnauthenticatedPerAddress: z.number().int().positive().default(64),
    /**
     * Processes that capture behind the one port (Node's cluster): `auto` is one per CPU
     * (os.availableParallelism()), 1 is a single process with no cluster. Bounds such as
     * maxConnections hold per process.
     */
    workers: z
      .union([z.literal('auto'), z.number()], { error: WORKERS_RULE })
      .refine((w) => w === 'auto' || (Number.isInteger(w) && w >= 1), { message: WORKERS_RULE })
      .default('auto')
      .transform((w) => (w === 'auto' ? availableParallelism() : w)),
  })
  .refine((s) => s.headersTimeoutMs <= s.requestTimeoutMs, { message: 'must not exceed server.requestTimeoutMs', path: ['headersTimeoutMs'] })
  .transform((s) => inMs(s, ['drainTimeoutSeconds']))
  .prefault({});

export const configSchema = z
  .strictObject({
    dataDir: dataDirSchema,
    server: serverSchema,
    metrics: metricsSchema,
    api: apiSchema,
    console: consoleSchema,
    install: installSchema,
    database: databaseSchema,
    objects: objectsSchema,
    queue: queueSchema,
    queueLeaseSeconds: queueLeaseSecondsSchema,
    namespace: namespaceSchema,
    state: stateSchema,
    security: securitySchema,
    logging: loggingSchema,
    audiohook: audiohookSchema,
    recorder: recorderSchema,
    stream: streamSchema,
    tracking: trackingSchema,
    ingest: ingestSchema,
    webhooks: webhooksSchema,
    analysis: analysisSchema,
    voicebot: voicebotServerSchema,
    tenants: z.array(tenantSchema).default([]),
    plugins: pluginsSchema,
  })
  .transform(withDataDirDefaults)
  .transform((c) => inMs(c, ['queueLeaseSeconds']))
  .transform(deepFreeze);

export type Config = z.infer<typeof configSchema>;
export type ServerConfig = Config['server'];

/** defaults < YAML file < environment < overrides, validated by the whole schema (see platform/config/load.ts). */
export function loadConfig(options: LoadOptions = {}): Config {
  const config = loadConfigFile(configSchema, options);
  if (config.plugins.length === 0) return config;
  // A relative plugin module is relative to the file that names it (else to the working directory).
  const file = options.file ?? (options.env ?? process.env).HOOKLINE_CONFIG;
  return deepFreeze({ ...config, plugins: resolvePluginModules(config.plugins, file ? dirname(resolve(file)) : process.cwd()) });
}

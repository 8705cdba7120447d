/**
 * The configuration schema: one place that says what every key means, its
 * default and its bounds. Validation errors name the key (see load.ts).
 */
import { z } from 'zod';

/** Stored and compared lower-case: Genesys sends either case, lookups are exact. */
const uuid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a UUID')
  .transform((s) => s.toLowerCase());
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const port = z.number().int().min(0).max(65535);

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const mediaRule = z.union([
  z.literal('any'),
  z.strictObject({
    format: z.enum(['PCMU', 'L16']).optional(),
    channels: z.union([z.number().int().min(1).max(2), z.array(z.enum(['external', 'internal'])).min(1).max(2)]).optional(),
    rate: z.number().int().positive().optional(),
  }),
]);

/** A client secret shorter than this is refused: "a" or "==" decode to nothing, which would mean unsigned. */
export const MIN_SECRET_BYTES = 16;
export const clientSecret = base64.refine((s) => Buffer.from(s, 'base64').length >= MIN_SECRET_BYTES, `must decode to at least ${MIN_SECRET_BYTES} bytes (\`openssl rand -base64 32\`)`);

export const apiKeySchema = z
  .strictObject({
    key: z.string().min(1).regex(/^[A-Za-z0-9+/_=-]+$/, 'must be letters, digits or + / _ = -'),
    /** Base64 client secret of at least 16 bytes. */
    secret: clientSecret.optional(),
    /** Accept unsigned requests for this key: only when said, never because a secret is missing. */
    unsigned: z.boolean().optional(),
    label: z.string().optional(),
  })
  .superRefine((k, ctx) => {
    if (k.secret === undefined && k.unsigned !== true) ctx.addIssue({ code: 'custom', path: ['secret'], message: 'required (base64, at least 16 bytes), or set unsigned: true' });
    if (k.secret !== undefined && k.unsigned === true) ctx.addIssue({ code: 'custom', path: ['unsigned'], message: 'a key with a secret is signed: drop one of them' });
  });

/**
 * A URL with `user:password@` would keep the password in clear in the
 * settings column, `tenant show` and the logs: credentials go in the options
 * stored encrypted (bearerToken, header) instead.
 */
const noUserinfo = (url: string): boolean => {
  try {
    const u = new URL(url);
    return u.username === '' && u.password === '';
  } catch {
    return true; // not a URL: the format check reports it
  }
};
const USERINFO_MESSAGE = 'must not contain user:password@ (use bearerToken or header, which are stored encrypted)';

export const downstreamSchema = z.strictObject({
  url: z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL').refine(noUserinfo, USERINFO_MESSAGE),
  name: z.string().optional(),
  bearerToken: z.string().optional(),
  header: z.strictObject({ name: z.string().min(1), value: z.string() }).optional(),
  channels: z.enum(['both', 'customer', 'agent']).default('both'),
});

export const genesysSchema = z.strictObject({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** Region environment host, e.g. mypurecloud.com, usw2.pure.cloud. */
  region: z.string().default('mypurecloud.com'),
  /** Overrides the API base (and login base when loginUrl is absent), e.g. the emulator. */
  apiUrl: z.string().url().refine(noUserinfo, USERINFO_MESSAGE).optional(),
  loginUrl: z.string().url().refine(noUserinfo, USERINFO_MESSAGE).optional(),
});

export const tenantSchema = z.strictObject({
  orgId: uuid,
  name: z.string().min(1),
  apiKeys: z.array(apiKeySchema).default([]),
  genesys: genesysSchema.optional(),
  monitoredGroupId: z.string().optional(),
  admission: z.enum(['monitored-group', 'all']).default('all'),
  gateTimeoutSeconds: z.number().positive().default(60),
  onGateTimeout: z.enum(['disconnect', 'keep-paused']).default('disconnect'),
  onTransferAway: z.enum(['keep', 'pause']).default('keep'),
  downstream: z.array(downstreamSchema).default([]),
  reconcile: z
    .strictObject({ cron: z.string().default('0 2 * * *'), timezone: z.string().default('UTC'), enabled: z.boolean().default(true) })
    .default({ cron: '0 2 * * *', timezone: 'UTC', enabled: true }),
});

export const configSchema = z.strictObject({
  dataDir: z.string().default('./data'),
  server: z
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
    })
    .refine((s) => s.headersTimeoutMs <= s.requestTimeoutMs, { message: 'must not exceed server.requestTimeoutMs', path: ['headersTimeoutMs'] })
    .prefault({}),
  metrics: z
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
    .prefault({}),
  database: z
    .string()
    .regex(/^(sqlite:|postgres:\/\/|postgresql:\/\/)/, 'must start with sqlite: or postgres://')
    /** Default `sqlite:<dataDir>/hookline.db` (see withDataDirDefaults). */
    .optional(),
  objects: z
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
    .prefault({}),
  queue: z.string().regex(/^(embedded$|amqps?:\/\/)/, 'must be "embedded" or an amqp:// URL').default('embedded'),
  /** Embedded queue: how long a claimed message is leased (renewed while its handler runs); a crashed replica's work returns after this. */
  queueLeaseSeconds: z.number().positive().default(30),
  /** Prefix of queue names and shared-state keys: deployments sharing RabbitMQ or Redis stay apart. */
  namespace: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'lower-case letters, digits and -').default('hookline'),
  state: z.string().regex(/^(memory$|rediss?:\/\/)/, 'must be "memory" or a redis:// URL').default('memory'),
  security: z
    .strictObject({
      /** Base64 of 32 bytes. Required with PostgreSQL; generated into dataDir with SQLite. */
      masterKey: base64.optional(),
    })
    .prefault({}),
  logging: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** Pretty lines (pino-pretty, when installed) or JSON; `auto`: pretty when stdout is a terminal. */
      pretty: z.union([z.boolean(), z.literal('auto')]).default('auto'),
    })
    .prefault({}),
  audiohook: z
    .strictObject({
      path: z.string().startsWith('/').default('/api/v1/audiohook/ws'),
      /** How authentication failures are reported: `disconnect` (unauthorized, REF default) or HTTP 401 at upgrade. */
      authFailure: z.enum(['disconnect', 'http']).default('disconnect'),
      signature: z
        .strictObject({
          clockSkewSeconds: z.number().min(0).default(5),
          maxAgeSeconds: z.number().positive().default(10),
          minNonceLength: z.number().int().min(0).default(22),
          failureDelayMs: z.number().int().min(0).default(500),
          nonceCacheSize: z.number().int().positive().default(100_000),
        })
        .prefault({}),
      media: z
        .strictObject({
          preference: z.array(mediaRule).min(1).default([{ format: 'PCMU', channels: 2 }, 'any']),
          formats: z.array(z.enum(['PCMU', 'L16'])).min(1).default(['PCMU', 'L16']),
          rates: z.array(z.number().int().positive()).min(1).default([8000]),
          onNoMatch: z.enum(['empty', 'disconnect']).default('empty'),
        })
        .prefault({}),
      supportedLanguages: z.array(z.string()).default([]),
      /** Per-socket cap on unsent server messages before the connection is dropped. */
      maxSendBufferBytes: z.number().int().positive().default(1024 * 1024),
      /** After we send disconnect, how long the client gets to send close. */
      closeGraceSeconds: z.number().positive().default(10),
      /** A socket that failed authentication is cut off this long after its `disconnect unauthorized`. */
      unauthenticatedGraceMs: z.number().int().positive().default(2000),
      /** How far the timeline (audio plus reported discards) may run ahead of the session's wall-clock time. */
      timelineToleranceSeconds: z.number().min(0).default(5),
      /** How often API keys are re-read from the database. */
      credentialRefreshSeconds: z.number().positive().default(10),
    })
    .prefault({}),
  recorder: z
    .strictObject({
      enabled: z.boolean().default(true),
      spoolDir: z.string().optional(),
      /** Bytes waiting for the disk per session before frames are dropped (and counted). */
      maxBufferedBytes: z.number().int().positive().default(256 * 1024),
      /** Control events kept per recording for its sidecar (the first ones; the rest are only counted). */
      maxEvents: z.number().int().min(0).default(1000),
      maxEventBytes: z.number().int().min(0).default(256 * 1024),
    })
    .prefault({}),
  stream: z
    .strictObject({
      /** Audio kept per destination for replay after a reconnect. */
      replayBufferSeconds: z.number().min(0).default(10),
      /** Per destination socket: frames are dropped (and counted) while more than this waits to be sent. */
      maxBufferedBytes: z.number().int().positive().default(512 * 1024),
      /** After a call ends, how long to keep trying a destination that is down. */
      deliverAfterEndSeconds: z.number().min(0).default(30),
    })
    .prefault({}),
  tracking: z
    .strictObject({
      /** How often each tenant's monitored group is re-read. */
      syncIntervalSeconds: z.number().positive().default(300),
      /** Leader lease per tenant; a dead leader is replaced within about this long. */
      leaseTtlSeconds: z.number().positive().default(10),
    })
    .prefault({}),
  ingest: z
    .strictObject({
      enabled: z.boolean().default(true),
      concurrency: z.number().int().positive().default(4),
      /** Deliveries before a conversation that keeps failing becomes a dead letter. */
      maxAttempts: z.number().int().positive().default(15),
      /** Wait this long after a call ends before the first fetch (analytics lag behind events). */
      firstAttemptDelaySeconds: z.number().min(0).default(15),
      retryBaseSeconds: z.number().positive().default(5),
      retryMaxSeconds: z.number().positive().default(900),
      recordingFormat: z.enum(['WAV_ULAW', 'WAV', 'WEBM', 'OGG_VORBIS', 'OGG_OPUS', 'MP3']).default('WAV_ULAW'),
      /** Extra time reconciliation looks back beyond its 24 h window. */
      reconcileOverlapMinutes: z.number().min(0).default(60),
      /** Reconciliation never reads the most recent seconds: conversations still settling shift the pages. */
      reconcileSettleSeconds: z.number().min(0).default(60),
      /** After a notifications outage, reconcile its window this long later (analytics lag behind events), and again an hour later. */
      gapReconcileDelaySeconds: z.number().min(0).default(120),
    })
    .prefault({}),
  tenants: z.array(tenantSchema).default([]),
})
  .transform(withDataDirDefaults);

/**
 * The embedded database and object store default to `dataDir`, as documented:
 * two instances with different data directories must not share a database
 * (and fight over its master key) because both defaulted to ./data.
 */
function withDataDirDefaults<C extends { dataDir: string; database?: string | undefined; objects: { url?: string | undefined } }>(c: C) {
  const dir = c.dataDir.replace(/(.)\/+$/, '$1'); // ./data/ -> ./data, / stays /
  const under = (name: string) => (dir.endsWith('/') ? dir + name : `${dir}/${name}`);
  return {
    ...c,
    database: c.database ?? `sqlite:${under('hookline.db')}`,
    objects: { ...c.objects, url: c.objects.url ?? `file:${under('objects')}` },
  };
}

export type Config = z.infer<typeof configSchema>;
export type TenantConfig = z.infer<typeof tenantSchema>;
export type ApiKeyConfig = z.infer<typeof apiKeySchema>;
export type DownstreamConfig = z.infer<typeof downstreamSchema>;
export type GenesysConfig = z.infer<typeof genesysSchema>;

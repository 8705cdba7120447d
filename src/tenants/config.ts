/**
 * The tenants section of the configuration (and of `tenant add`/`tenant set`):
 * a tenant is a Genesys organization, with its API keys, Genesys client,
 * admission policy and stream destinations. Composed into the whole
 * configuration by src/app/config.ts.
 */
import { z } from 'zod';
import { EVENT_TYPES } from '../protocol/events/index.js';
import { base64 } from '../platform/config/index.js';
import { guidanceSchema } from './guidance-config.js';
import { voicebotSchema } from './voicebot-config.js';

/** Stored and compared lower-case: Genesys sends either case, lookups are exact. */
const uuid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a UUID')
  .transform((s) => s.toLowerCase());

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
  /** Audio coalesced into one binary message, in ms of audio or of waiting (absent: DEFAULT_BATCH_MS; 0: frame by frame). */
  batchMs: z.number().int().min(0).max(1000).optional(),
});

/** A destination's `batchMs` when it sets none. */
export const DEFAULT_BATCH_MS = 100;
/** An event type, `prefix.*` over known types, or `*`: a typo would otherwise silently match nothing. */
const eventPattern = z.string().superRefine((p, ctx) => {
  const known = p === '*' || (EVENT_TYPES as readonly string[]).includes(p) || (p.endsWith('.*') && EVENT_TYPES.some((t) => t.startsWith(p.slice(0, -1))));
  if (!known) ctx.addIssue({ code: 'custom', message: `"${p}" is not an event type (${EVENT_TYPES.join(', ')}) or a glob like agent.* or *` });
});

/** Standard Webhooks secret: whsec_ and base64 of 24–64 random bytes (https://www.standardwebhooks.com). */
const webhookSecret = z.string().superRefine((s, ctx) => {
  const fail = (why: string) => ctx.addIssue({ code: 'custom', message: `${why} (Standard Webhooks format: whsec_ + base64 of 24–64 random bytes, e.g. whsec_$(openssl rand -base64 32))` });
  if (!s.startsWith('whsec_')) return fail('must start with whsec_');
  const b64 = s.slice(6);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return fail('must be base64 after whsec_');
  const n = Buffer.from(b64, 'base64').length;
  if (n < 24 || n > 64) fail(`decodes to ${n} bytes, needs 24 to 64`);
});

export const webhookSchema = z.strictObject({
  /** Stable identity of the endpoint in the delivery log; renaming it starts a new log. */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1–63 lower-case letters, digits or -, starting with a letter or digit'),
  url: z.string().regex(/^https?:\/\//, 'must be an http:// or https:// URL').pipe(z.url()).refine(noUserinfo, 'must not contain user:password@ (the secret signs every request)'),
  events: z.array(eventPattern).min(1).default(['*']),
  secret: webhookSecret,
  enabled: z.boolean().default(true),
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

/** An EventBridge API destination sends this secret in `header` (its connection's API-key auth). */
export const MIN_EVENTBRIDGE_SECRET = 24;
export const EVENTBRIDGE_HEADER = 'x-hookline-eventbridge-key';
const eventBridgeSchema = z.strictObject({
  header: z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name (letters, digits, -)').transform((h) => h.toLowerCase()).default(EVENTBRIDGE_HEADER),
  secret: z.string().min(MIN_EVENTBRIDGE_SECRET, `must be at least ${MIN_EVENTBRIDGE_SECRET} characters (\`openssl rand -base64 32\`)`),
});

/** Where the tenant leader gets conversation notifications: its own WebSocket channels, or Amazon EventBridge (docs/eventbridge.md). */
export const notificationsSchema = z
  .strictObject({ source: z.enum(['websocket', 'eventbridge']).default('websocket'), eventbridge: eventBridgeSchema.optional() })
  .superRefine((n, ctx) => {
    if (n.source === 'eventbridge' && !n.eventbridge) ctx.addIssue({ code: 'custom', path: ['eventbridge', 'secret'], message: 'required when source is eventbridge' });
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
  webhooks: z.array(webhookSchema).default([]).superRefine((list, ctx) => {
    list.forEach((w, i) => {
      if (list.findIndex((x) => x.name === w.name) !== i) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${w.name}" is used by another webhook of this tenant: names must be unique` });
    });
  }),
  notifications: notificationsSchema.default({ source: 'websocket' }),
  /** The voice-bot bridge (AudioConnector connectors, bots, the Data Action REST channel); absent: none. */
  voicebot: voicebotSchema.optional(),
  /** Real-time guidance and analysis (docs/guidance.md); absent: calls are not analysed. */
  guidance: guidanceSchema.optional(),
  reconcile: z
    .strictObject({ cron: z.string().default('0 2 * * *'), timezone: z.string().default('UTC'), enabled: z.boolean().default(true) })
    .default({ cron: '0 2 * * *', timezone: 'UTC', enabled: true }),
});

export type TenantConfig = z.infer<typeof tenantSchema>;
export type ApiKeyConfig = z.infer<typeof apiKeySchema>;
export type DownstreamConfig = z.infer<typeof downstreamSchema>;
export type GenesysConfig = z.infer<typeof genesysSchema>;
export type WebhookConfig = z.infer<typeof webhookSchema>;
export type NotificationsConfig = z.infer<typeof notificationsSchema>;

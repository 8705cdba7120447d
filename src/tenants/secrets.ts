/**
 * Splits a tenant's settings into what may be stored in clear and the secrets
 * that go into the encrypted column, and joins them back.
 */
import type { DeepReadonly } from '../platform/config/index.js';
import type { Tenant } from './tenant.js';

interface TenantSecrets {
  genesysClientSecret?: string;
  downstream?: { bearerToken?: string; headerValue?: string }[];
  webhooks?: { secret: string }[];
  eventBridgeSecret?: string;
  voicebot?: VoicebotSecrets;
}

/** Positional, like downstream: the n-th entry holds the secrets of the n-th bot or connector. */
interface VoicebotSecrets {
  bots: { token?: string; bearerToken?: string }[];
  connectors: { asrApiKey?: string; realtimeApiKey?: string }[];
}

type Voicebot = NonNullable<Tenant['voicebot']>;

function splitVoicebot(v: DeepReadonly<Voicebot>): { settings: unknown; secrets: VoicebotSecrets } {
  const bots = v.bots.map((b) => {
    if (b.type === 'rasa') {
      const { token, ...rest } = b;
      return { settings: rest, secrets: token !== undefined ? { token } : {} };
    }
    if (b.type === 'http') {
      const { bearerToken, ...rest } = b;
      return { settings: rest, secrets: bearerToken !== undefined ? { bearerToken } : {} };
    }
    return { settings: b, secrets: {} };
  });
  const connectors = v.connectors.map((c) => {
    const secrets: VoicebotSecrets['connectors'][number] = {};
    const settings: Record<string, unknown> = { ...c };
    if (c.asr.engine === 'deepgram') {
      const { apiKey, ...asr } = c.asr;
      secrets.asrApiKey = apiKey;
      settings.asr = asr;
    }
    if (c.realtime) {
      const { apiKey, ...realtime } = c.realtime;
      secrets.realtimeApiKey = apiKey;
      settings.realtime = realtime;
    }
    return { settings, secrets };
  });
  return {
    settings: { ...v, bots: bots.map((b) => b.settings), connectors: connectors.map((c) => c.settings) },
    secrets: { bots: bots.map((b) => b.secrets), connectors: connectors.map((c) => c.secrets) },
  };
}

function joinVoicebot(v: Voicebot, secrets: VoicebotSecrets | undefined): Voicebot {
  const bots = v.bots.map((b, i) => ({ ...b, ...(secrets?.bots[i] ?? {}) }) as Voicebot['bots'][number]);
  const connectors = v.connectors.map((c, i) => {
    const s = secrets?.connectors[i] ?? {};
    return {
      ...c,
      ...(c.asr.engine === 'deepgram' ? { asr: { ...c.asr, apiKey: s.asrApiKey ?? '' } } : {}),
      ...(c.realtime ? { realtime: { ...c.realtime, apiKey: s.realtimeApiKey ?? '' } } : {}),
    } as Voicebot['connectors'][number];
  });
  return { ...v, bots, connectors };
}

export function splitSecrets(t: DeepReadonly<Tenant>): { settings: Record<string, unknown>; secrets: TenantSecrets } {
  const { orgId: _o, name: _n, genesys, downstream, webhooks = [], notifications, voicebot, ...rest } = t;
  const secrets: TenantSecrets = {};
  const settings: Record<string, unknown> = { ...rest };
  if (genesys) {
    const { clientSecret, ...g } = genesys;
    settings.genesys = g;
    secrets.genesysClientSecret = clientSecret;
  }
  settings.downstream = downstream.map(({ bearerToken: _b, header, ...d }) => ({
    ...d,
    ...(header ? { header: { name: header.name } } : {}),
  }));
  secrets.downstream = downstream.map((d) => ({
    ...(d.bearerToken !== undefined ? { bearerToken: d.bearerToken } : {}),
    ...(d.header ? { headerValue: d.header.value } : {}),
  }));
  settings.webhooks = webhooks.map(({ secret: _s, ...w }) => w);
  secrets.webhooks = webhooks.map((w) => ({ secret: w.secret }));
  if (notifications.eventbridge) {
    settings.notifications = { ...notifications, eventbridge: { header: notifications.eventbridge.header } };
    secrets.eventBridgeSecret = notifications.eventbridge.secret;
  } else settings.notifications = notifications;
  if (voicebot) {
    const v = splitVoicebot(voicebot);
    settings.voicebot = v.settings;
    secrets.voicebot = v.secrets;
  }
  return { settings, secrets };
}

export function joinSecrets(orgId: string, name: string, settings: Record<string, unknown>, secrets: TenantSecrets): Tenant {
  const s = settings as Partial<Tenant> & { genesys?: Omit<NonNullable<Tenant['genesys']>, 'clientSecret'> };
  const downstream = (s.downstream ?? []).map((d, i) => {
    const sec = secrets.downstream?.[i] ?? {};
    return {
      ...d,
      ...(sec.bearerToken !== undefined ? { bearerToken: sec.bearerToken } : {}),
      ...(d.header ? { header: { name: d.header.name, value: sec.headerValue ?? '' } } : {}),
    };
  });
  // Stored before webhooks existed: none.
  const webhooks = (s.webhooks ?? []).map((w, i) => ({ ...w, secret: secrets.webhooks?.[i]?.secret ?? '' }));
  const tenant = { ...s, orgId, name, downstream, webhooks } as Tenant;
  if (s.genesys) tenant.genesys = { ...s.genesys, clientSecret: secrets.genesysClientSecret ?? '' };
  // Tenants stored before notification sources existed read as the WebSocket default.
  const n = s.notifications ?? { source: 'websocket' };
  tenant.notifications = n.eventbridge ? { ...n, eventbridge: { header: n.eventbridge.header, secret: secrets.eventBridgeSecret ?? '' } } : n;
  if (s.voicebot) tenant.voicebot = joinVoicebot(s.voicebot, secrets.voicebot);
  return tenant;
}

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
}

export function splitSecrets(t: DeepReadonly<Tenant>): { settings: Record<string, unknown>; secrets: TenantSecrets } {
  const { orgId: _o, name: _n, genesys, downstream, webhooks = [], notifications, ...rest } = t;
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
  return tenant;
}

/**
 * `hookline tenant set|show` and `hookline tenant downstream add|remove`:
 * Genesys credentials, the monitored group, admission and gate policy, and
 * downstream destinations. Secrets are encrypted by the tenant store.
 */
import type { Command } from 'commander';
import type { Tenant } from '../tenants/index.js';
import { redactUrl } from '../platform/util/redact-url.js';
import { mask, print, withContext } from './common.js';

interface SetOptions {
  name?: string;
  genesysClientId?: string;
  genesysClientSecret?: string;
  region?: string;
  apiUrl?: string;
  loginUrl?: string;
  group?: string;
  admission?: string;
  gateTimeout?: number;
  onGateTimeout?: string;
  onTransferAway?: string;
  reconcileCron?: string;
  reconcileTimezone?: string;
}

/** Applies CLI options to a tenant (loose object: the store validates the result). */
export function applySettings(t: Record<string, unknown>, o: SetOptions): Record<string, unknown> {
  const next: Record<string, unknown> = { ...t };
  if (o.name) next.name = o.name;
  if (o.genesysClientId || o.genesysClientSecret || o.region || o.apiUrl || o.loginUrl) {
    const g = { ...((t.genesys as Record<string, unknown> | undefined) ?? {}) };
    if (o.genesysClientId) g.clientId = o.genesysClientId;
    if (o.genesysClientSecret) g.clientSecret = o.genesysClientSecret;
    if (o.region) g.region = o.region;
    if (o.apiUrl) g.apiUrl = o.apiUrl;
    if (o.loginUrl) g.loginUrl = o.loginUrl;
    next.genesys = g;
  }
  if (o.group) next.monitoredGroupId = o.group;
  if (o.admission) next.admission = o.admission;
  if (o.gateTimeout !== undefined) next.gateTimeoutSeconds = o.gateTimeout;
  if (o.onGateTimeout) next.onGateTimeout = o.onGateTimeout;
  if (o.onTransferAway) next.onTransferAway = o.onTransferAway;
  if (o.reconcileCron || o.reconcileTimezone) {
    next.reconcile = { ...((t.reconcile as object | undefined) ?? {}), ...(o.reconcileCron ? { cron: o.reconcileCron } : {}), ...(o.reconcileTimezone ? { timezone: o.reconcileTimezone } : {}) };
  }
  return next;
}

/** A command's settings lack what another setting needs; names the flags to add. */
export class MissingSettingsError extends Error {
  override readonly name = 'MissingSettingsError';

  constructor(
    readonly flags: string[],
    need: string,
  ) {
    super(`${need}: missing ${flags.join(', ')}`);
  }
}

/**
 * `admission: monitored-group` admits a call only once the tenant's leader,
 * signed in with the Genesys OAuth client, has read the group's members
 * (README "The gate"): without both, every call would wait out the gate
 * timeout, so such a tenant is refused rather than stored.
 */
export function requireGateSettings(t: Record<string, unknown>): void {
  if (t.admission !== 'monitored-group') return;
  const genesys = (t.genesys as Record<string, unknown> | undefined) ?? {};
  const missing = [
    ...(t.monitoredGroupId ? [] : ['--group']),
    ...(genesys.clientId ? [] : ['--genesys-client-id']),
    ...(genesys.clientSecret ? [] : ['--genesys-client-secret']),
  ];
  if (missing.length > 0) throw new MissingSettingsError(missing, 'admission monitored-group needs the group and the Genesys OAuth client');
}

/** A tenant with every secret masked, for display. */
export function redactTenant(t: Tenant): Record<string, unknown> {
  return {
    ...t,
    genesys: t.genesys ? { ...t.genesys, clientSecret: mask(t.genesys.clientSecret) } : undefined,
    notifications: t.notifications.eventbridge ? { ...t.notifications, eventbridge: { ...t.notifications.eventbridge, secret: mask(t.notifications.eventbridge.secret) } } : t.notifications,
    downstream: t.downstream.map((d) => ({
      ...d,
      url: redactUrl(d.url), // stored before user:password@ was refused
      bearerToken: d.bearerToken ? mask(d.bearerToken) : undefined,
      header: d.header ? { name: d.header.name, value: mask(d.header.value) } : undefined,
    })),
    webhooks: (t.webhooks ?? []).map((w) => ({ ...w, secret: mask(w.secret) })),
    voicebot: t.voicebot ? redactVoicebot(t.voicebot) : undefined,
  };
}

function redactVoicebot(v: NonNullable<Tenant['voicebot']>): Record<string, unknown> {
  return {
    ...v,
    bots: v.bots.map((b) => (b.type === 'rasa' && b.token ? { ...b, token: mask(b.token) } : b.type === 'http' && b.bearerToken ? { ...b, bearerToken: mask(b.bearerToken) } : b)),
    connectors: v.connectors.map((c) => ({
      ...c,
      asr: c.asr.engine === 'deepgram' ? { ...c.asr, apiKey: mask(c.asr.apiKey) } : c.asr,
      ...(c.realtime ? { realtime: { ...c.realtime, apiKey: mask(c.realtime.apiKey) } } : {}),
    })),
  };
}

export function addSettingOptions(cmd: Command): Command {
  return cmd
    .option('--genesys-client-id <id>', 'OAuth client (client credentials) of the organization')
    .option('--genesys-client-secret <secret>', 'its secret (stored encrypted)')
    .option('--region <env>', 'Genesys environment host, e.g. mypurecloud.com, mypurecloud.ie, usw2.pure.cloud')
    .option('--api-url <url>', 'override the API base URL (the emulator)')
    .option('--login-url <url>', 'override the login base URL')
    .option('--group <groupId>', 'the Genesys group whose agents are monitored')
    .option('--admission <mode>', 'monitored-group | all')
    .option('--gate-timeout <seconds>', 'how long a new call waits for a monitored agent', (v) => Number(v))
    .option('--on-gate-timeout <policy>', 'disconnect | keep-paused')
    .option('--on-transfer-away <policy>', 'keep | pause')
    .option('--reconcile-cron <expr>', 'nightly reconciliation schedule (cron)')
    .option('--reconcile-timezone <tz>', 'its IANA time zone');
}

async function update(cmd: Command, orgId: string, change: (t: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  await withContext(cmd, async (ctx) => {
    const { TenantStore } = await import('../tenants/index.js');
    const current = await ctx.tenants.getTenant(orgId);
    if (!current) throw new Error(`no tenant ${orgId}`);
    const changed = change(current as unknown as Record<string, unknown>);
    requireGateSettings(changed);
    const next = TenantStore.normalize(changed);
    // A config file's tenant stays the file's: its next `serve` applies the file again, and may remove it.
    const source = await ctx.tenants.sourceOf(orgId);
    const fromConfig = source !== undefined && source.startsWith('config');
    await ctx.tenants.upsertTenant(next, fromConfig ? source : 'cli');
    if (fromConfig) process.stderr.write('warning: this tenant is declared in a config file, which `hookline serve` applies again at every start\n');
    process.stdout.write(`tenant ${next.orgId} updated\n`);
  });
}

export function registerTenantSettings(tenant: Command): void {
  addSettingOptions(tenant.command('set').description("change a tenant's settings").argument('<orgId>').option('--name <name>', 'display name')).action(
    async (orgId: string, o: SetOptions, cmd: Command) => update(cmd, orgId, (t) => applySettings(t, o)),
  );
  tenant
    .command('show')
    .description("a tenant's settings (secrets masked)")
    .argument('<orgId>')
    .action(async (orgId: string, _o: unknown, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        const t = await ctx.tenants.getTenant(orgId);
        if (!t) throw new Error(`no tenant ${orgId}`);
        print(redactTenant(t), true);
      }, { readOnly: true });
    });
  const downstream = tenant.command('downstream').description("manage a tenant's stream destinations");
  downstream
    .command('add')
    .argument('<orgId>')
    .requiredOption('--url <url>', 'ws:// or wss:// URL of the processor')
    .option('--name <name>', 'a name for the destination')
    .option('--bearer-token <token>', 'sent as Authorization: Bearer <token>')
    .option('--header-name <name>', 'custom auth header name')
    .option('--header-value <value>', 'custom auth header value')
    .option('--channels <which>', 'both | customer | agent', 'both')
    .option('--batch-ms <ms>', 'audio per binary message, 0 = frame by frame (default 100)')
    .action(async (orgId: string, o: { url: string; name?: string; bearerToken?: string; headerName?: string; headerValue?: string; channels: string; batchMs?: string }, cmd: Command) =>
      update(cmd, orgId, (t) => ({
        ...t,
        downstream: [
          ...((t.downstream as unknown[]) ?? []),
          {
            url: o.url,
            channels: o.channels,
            ...(o.name ? { name: o.name } : {}),
            ...(o.bearerToken ? { bearerToken: o.bearerToken } : {}),
            ...(o.headerName ? { header: { name: o.headerName, value: o.headerValue ?? '' } } : {}),
            // Checked by the tenant schema, which names the key when it is not a whole number of 0–1000.
            ...(o.batchMs !== undefined ? { batchMs: Number(o.batchMs) } : {}),
          },
        ],
      })),
    );
  downstream
    .command('remove')
    .argument('<orgId>')
    .argument('<nameOrUrl>')
    .action(async (orgId: string, which: string, _o: unknown, cmd: Command) =>
      update(cmd, orgId, (t) => {
        const list = (t.downstream as { name?: string; url: string }[]) ?? [];
        const kept = list.filter((d) => d.name !== which && d.url !== which);
        if (kept.length === list.length) throw new Error(`no destination named ${which}`);
        return { ...t, downstream: kept };
      }),
    );
}

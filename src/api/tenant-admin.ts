/**
 * Tenant administration routes (the console's Tenants page, docs/console.md
 * "Tenants page"): the caller's tenant's settings with every secret masked,
 * changes to the Genesys client, monitored group, admission and gate policy
 * and stream destinations, a live Genesys credential test, a group search,
 * a destination connection test, and AudioHook API keys (create, rotate,
 * revoke; the secret answered once).
 *
 * Writes go through TenantStore, as `hookline tenant set` and `hookline key
 * add|remove` do, then `applied()` refreshes this server's TenantCache at once;
 * other replicas pick the change up at their periodic refresh
 * (audiohook.credentialRefreshMs), exactly as they pick up the CLI's.
 */
import { createHash } from 'node:crypto';
import WebSocket from 'ws';
import type { z } from 'zod';
import { createGenesysClient, type GenesysClient, type GenesysClientOptions, type GenesysConfig } from '../genesys/index.js';
import { mask } from '../platform/crypto/mask.js';
import { errorMessage } from '../platform/util/error-message.js';
import { freshApiKey, tenantSchema, type ApiKeyInfo, type Source, type Tenant, type TenantStore } from '../tenants/index.js';
import { BadRequestError, ForbiddenError, NotFoundError, UpstreamError } from './errors.js';
import { tenantQuery } from './operations-schemas.js';
import { route, type RouteSpec } from './routes.js';
import {
  downstreamTestInput,
  genesysTestInput,
  groupList,
  groupQuery,
  keyCreateInput,
  keyList,
  keyParams,
  newKey,
  revoked,
  settingsInput,
  settingsView,
  testResult,
  type downstreamInput,
  type genesysInput,
} from './tenant-admin-schemas.js';
import type { Principal } from './tokens.js';

export type GenesysFactory = (config: GenesysConfig, options: GenesysClientOptions) => GenesysClient;
export type Connect = (url: string, options: WebSocket.ClientOptions) => WebSocket;

export interface TenantAdminDeps {
  store: TenantStore;
  /** Makes a write take effect on this server now (its TenantCache's refresh). */
  applied: () => Promise<void>;
  /** How the credential test and the group search reach Genesys (tests inject faults). */
  genesys?: GenesysFactory;
  /** How the destination test opens its WebSocket. */
  connect?: Connect;
  /** Each live test and search gives up after this long. Default 10 s. */
  timeoutMs?: number;
  now?: () => number;
}

type GenesysIn = z.infer<typeof genesysInput>;
type DownstreamIn = z.infer<typeof downstreamInput>;
type Settings = z.infer<typeof settingsInput>;
type TestResult = z.input<typeof testResult>;

const DEFAULT_TIMEOUT_MS = 10_000;
const GROUPS_SHOWN = 25;
/** The group search reads at most this many groups of the org (see searchGroups). */
export const GROUPS_SCANNED = 500;

const ownTenant = (q: { tenant?: string | undefined }, p: Principal): boolean => q.tenant === undefined || q.tenant === p.tenant;
const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const masked = (s: string | undefined): string | null => (s ? mask(s) : null);

/** A key's id in this API: a hash, so the list and the URLs never carry the key itself. */
export const keyId = (apiKey: string): string => createHash('sha256').update(apiKey).digest('hex').slice(0, 16);

const fromConfig = (source: string | undefined): boolean => source !== undefined && source.startsWith('config');

/** A config file's tenant is the file's: `hookline serve` applies the file again at every start. */
const CONFIG_OWNED = 'this tenant is declared in a configuration file, which `hookline serve` applies again at every start: change it there';

async function tenantOf(d: TenantAdminDeps, p: Principal): Promise<{ tenant: Tenant; source: Source }> {
  const [tenant, source] = await Promise.all([d.store.getTenant(p.tenant), d.store.sourceOf(p.tenant)]);
  if (!tenant || !source) throw new NotFoundError(`tenant ${p.tenant} is not configured`);
  return { tenant, source };
}

function view(t: Tenant, source: string): z.input<typeof settingsView> {
  const g = t.genesys;
  return {
    orgId: t.orgId,
    name: t.name,
    source,
    editable: !fromConfig(source),
    genesys: g ? { clientId: g.clientId, clientSecret: masked(g.clientSecret), region: g.region, apiUrl: orNull(g.apiUrl), loginUrl: orNull(g.loginUrl) } : null,
    monitoredGroupId: orNull(t.monitoredGroupId),
    admission: t.admission,
    gateTimeoutSeconds: t.gateTimeoutSeconds,
    onGateTimeout: t.onGateTimeout,
    onTransferAway: t.onTransferAway,
    downstream: t.downstream.map((x) => ({
      url: x.url,
      name: orNull(x.name),
      bearerToken: masked(x.bearerToken),
      header: x.header ? { name: x.header.name, value: masked(x.header.value) } : null,
      channels: x.channels,
      batchMs: orNull(x.batchMs),
    })),
    guidance: t.guidance ?? null,
  };
}

/** The Genesys client from the form: an empty secret is the stored one. */
function genesysFrom(stored: Tenant['genesys'], g: GenesysIn, field: string): Record<string, unknown> {
  const clientSecret = g.clientSecret || stored?.clientSecret;
  if (!clientSecret) throw new BadRequestError(`${field}.clientSecret: required (no secret is stored yet)`);
  return {
    clientId: g.clientId,
    clientSecret,
    region: g.region ?? stored?.region ?? 'mypurecloud.com',
    ...(g.apiUrl ? { apiUrl: g.apiUrl } : {}),
    ...(g.loginUrl ? { loginUrl: g.loginUrl } : {}),
  };
}

/** A destination from the form: empty secret fields keep those of the stored destination it came `from`. */
function destinationFrom(stored: Tenant['downstream'], x: DownstreamIn): Record<string, unknown> {
  const { from, bearerToken, header, ...rest } = x;
  const old = from === undefined ? undefined : stored[from];
  const token = bearerToken || old?.bearerToken;
  return {
    ...rest,
    ...(token ? { bearerToken: token } : {}),
    ...(header ? { header: { name: header.name, value: header.value || (old?.header?.name === header.name ? old.header.value : '') } } : {}),
  };
}

function merged(t: Tenant, b: Settings): Record<string, unknown> {
  const next: Record<string, unknown> = { ...t };
  if (b.genesys === null) delete next.genesys;
  else if (b.genesys) next.genesys = genesysFrom(t.genesys, b.genesys, 'body.genesys');
  if (b.monitoredGroupId === null || b.monitoredGroupId === '') delete next.monitoredGroupId;
  else if (b.monitoredGroupId !== undefined) next.monitoredGroupId = b.monitoredGroupId;
  for (const k of ['admission', 'gateTimeoutSeconds', 'onGateTimeout', 'onTransferAway'] as const) if (b[k] !== undefined) next[k] = b[k];
  if (b.downstream) next.downstream = b.downstream.map((x) => destinationFrom(t.downstream, x));
  if (b.guidance === null) delete next.guidance;
  else if (b.guidance) next.guidance = b.guidance;
  return next;
}

/**
 * Validates with the tenant schema (the config file's and the CLI's), naming each field as the body
 * does. `admission: monitored-group` without a group or a Genesys client would hold every call for the
 * whole gate timeout (README "The gate"), so it is refused, as `hookline tenant set` refuses it.
 */
function validTenant(next: Record<string, unknown>): Tenant {
  const r = tenantSchema.safeParse({ ...next, apiKeys: [] });
  if (!r.success) throw new BadRequestError(r.error.issues.map((i) => `body.${i.path.join('.')}: ${i.message}`).join('; '));
  const { apiKeys: _k, ...tenant } = r.data;
  if (tenant.admission === 'monitored-group') {
    if (!tenant.monitoredGroupId) throw new BadRequestError('body.monitoredGroupId: required when admission is monitored-group (calls wait for a monitored agent)');
    if (!tenant.genesys) throw new BadRequestError('body.genesys: required when admission is monitored-group (the group is read with the Genesys client)');
  }
  return tenant;
}

/** A fetch that gives up after `ms`: the credential test answers within the timeout even if Genesys does not. */
const timedFetch = (ms: number): typeof fetch => (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(ms) });

function clientFor(d: TenantAdminDeps, config: GenesysConfig): GenesysClient {
  const ms = d.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // One attempt: an operator waiting on a button wants the answer Genesys gives, not a backoff.
  return (d.genesys ?? createGenesysClient)(config, { fetch: timedFetch(ms), timeoutMs: ms, retry: { maxRetries: 0, maxRateLimitRetries: 0 } });
}

async function timed(now: () => number, f: () => Promise<void>): Promise<TestResult> {
  const start = now();
  try {
    await f();
    return { ok: true, error: null, elapsedMs: Math.round(now() - start) };
  } catch (err) {
    return { ok: false, error: errorMessage(err), elapsedMs: Math.round(now() - start) };
  }
}

/** Obtains a token (client credentials) from the org's login host: what the tenant leader does first. */
async function testGenesys(d: TenantAdminDeps, stored: Tenant['genesys'], given: GenesysIn | undefined): Promise<TestResult> {
  if (!given && !stored) throw new BadRequestError('body.genesys: the tenant has no Genesys client stored: give one to test');
  const config = (given ? genesysFrom(stored, given, 'body.genesys') : stored) as GenesysConfig;
  return timed(d.now ?? Date.now, async () => void (await clientFor(d, config).token()));
}

/**
 * Groups whose name contains `q` (any case). Reads GET /api/v2/groups (Genesys Cloud docs, "Groups API":
 * https://developer.genesys.cloud/useragentmanagement/groups/) page by page, at most GROUPS_SCANNED of them,
 * and filters here: the listing needs only the group view permission the tenant's client already has for
 * the monitored group, and an org has few groups.
 */
async function searchGroups(d: TenantAdminDeps, g: GenesysConfig, q: string): Promise<z.input<typeof groupList>> {
  const needle = q.trim().toLowerCase();
  const found: { id: string; name: string; memberCount: number | null }[] = [];
  let scanned = 0;
  const signal = AbortSignal.timeout(d.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  try {
    for await (const group of clientFor(d, g).groups.list({ pageSize: 100, signal })) {
      if (++scanned > GROUPS_SCANNED) break;
      const name = group.name ?? '';
      if (name.toLowerCase().includes(needle)) found.push({ id: group.id, name, memberCount: orNull(group.memberCount) });
    }
  } catch (err) {
    // Genesys failed or did not answer: not the caller's mistake (502, not 400).
    throw new UpstreamError(`genesys: the group search failed: ${errorMessage(err)}`);
  }
  found.sort((a, b) => a.name.localeCompare(b.name));
  return { items: found.slice(0, GROUPS_SHOWN), truncated: found.length > GROUPS_SHOWN || scanned > GROUPS_SCANNED };
}

/** Opens the destination's WebSocket with its authentication, as the stream sink does, and closes it. */
function probeDestination(connect: Connect, x: Record<string, unknown>, timeoutMs: number): Promise<void> {
  const dest = x as { url: string; bearerToken?: string; header?: { name: string; value: string } };
  const headers: Record<string, string> = {};
  if (dest.bearerToken) headers.authorization = `Bearer ${dest.bearerToken}`;
  if (dest.header) headers[dest.header.name.toLowerCase()] = dest.header.value;
  return new Promise((resolve, reject) => {
    let ws: WebSocket;
    try {
      ws = connect(dest.url, { headers, handshakeTimeout: timeoutMs, perMessageDeflate: false });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    let done = false;
    function finish(err?: Error): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        ws.terminate();
        reject(err);
      } else {
        ws.close(1000, 'connection test');
        resolve();
      }
    }
    ws.on('error', (err) => finish(err));
    ws.once('open', () => finish());
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      finish(new Error(`the destination answered HTTP ${res.statusCode ?? '?'}${res.statusMessage ? ` ${res.statusMessage}` : ''} instead of a WebSocket upgrade`));
    });
  });
}

function keyView(k: ApiKeyInfo) {
  return { id: keyId(k.apiKey), apiKey: mask(k.apiKey), label: k.label, signed: k.hasSecret, source: k.source, createdAt: k.createdAt };
}

async function keyOf(d: TenantAdminDeps, p: Principal, id: string): Promise<ApiKeyInfo> {
  const k = (await d.store.listApiKeys(p.tenant)).find((x) => keyId(x.apiKey) === id);
  if (!k) throw new NotFoundError(`id: no AudioHook key ${id} of this tenant`);
  return k;
}

async function issueKey(d: TenantAdminDeps, p: Principal, label: string | undefined, replaces: string | null): Promise<z.input<typeof newKey>> {
  await tenantOf(d, p);
  const { apiKey, secret } = freshApiKey();
  await d.store.addApiKey({ orgId: p.tenant, apiKey, secret, label }, 'api');
  await d.applied();
  return { id: keyId(apiKey), apiKey, secret, label: label ?? null, replaces };
}

function settingsRoutes(d: TenantAdminDeps): RouteSpec[] {
  return [
    route({
      method: 'GET',
      path: '/api/v1/tenant',
      operationId: 'getTenantSettings',
      summary: "The tenant's settings: Genesys client, monitored group, admission and gate policy, destinations (secrets masked)",
      scope: 'read',
      query: tenantQuery,
      response: settingsView,
      handler: async ({ query, principal }) => {
        if (!ownTenant(query, principal)) return undefined;
        const { tenant, source } = await tenantOf(d, principal);
        return view(tenant, source);
      },
    }),
    route({
      method: 'POST',
      path: '/api/v1/tenant/settings',
      operationId: 'updateTenantSettings',
      summary: 'Change the tenant\'s settings; fields left out stay, an empty secret keeps the stored one (admin scope)',
      scope: 'admin',
      query: tenantQuery,
      body: settingsInput,
      // Up to 20 destinations with their URLs and headers: more than the 4 KiB the other routes take.
      bodyLimit: 64 * 1024,
      response: settingsView,
      handler: async ({ query, body, principal }) => {
        if (!ownTenant(query, principal)) return undefined;
        const { tenant, source } = await tenantOf(d, principal);
        if (fromConfig(source)) throw new ForbiddenError(CONFIG_OWNED);
        const next = validTenant(merged(tenant, body));
        await d.store.upsertTenant(next, 'api');
        await d.applied();
        return view(next, 'api');
      },
    }),
  ];
}

function testRoutes(d: TenantAdminDeps): RouteSpec[] {
  return [
    route({
      method: 'POST',
      path: '/api/v1/tenant/genesys/test',
      operationId: 'testGenesysCredentials',
      summary: "Obtain a token from the org's login host with the given (or stored) client: ok, or the Genesys error (admin scope)",
      scope: 'admin',
      query: tenantQuery,
      body: genesysTestInput,
      response: testResult,
      handler: async ({ query, body, principal }) => (ownTenant(query, principal) ? testGenesys(d, (await tenantOf(d, principal)).tenant.genesys, body.genesys) : undefined),
    }),
    route({
      method: 'GET',
      path: '/api/v1/tenant/genesys/groups',
      operationId: 'searchGenesysGroups',
      summary: "The org's groups whose name contains q, through the tenant's stored Genesys client",
      scope: 'read',
      query: groupQuery,
      response: groupList,
      handler: async ({ query, principal }) => {
        if (!ownTenant(query, principal)) return undefined;
        const { tenant } = await tenantOf(d, principal);
        if (!tenant.genesys) throw new BadRequestError('genesys: the tenant has no Genesys client: save one first');
        return searchGroups(d, tenant.genesys, query.q);
      },
    }),
    route({
      method: 'POST',
      path: '/api/v1/tenant/downstream/test',
      operationId: 'testDownstream',
      summary: "Open a destination's WebSocket with its authentication and close it: ok, or why not (admin scope)",
      scope: 'admin',
      query: tenantQuery,
      body: downstreamTestInput,
      response: testResult,
      handler: async ({ query, body, principal }) => {
        if (!ownTenant(query, principal)) return undefined;
        const { tenant } = await tenantOf(d, principal);
        const dest = destinationFrom(tenant.downstream, body.destination);
        return timed(d.now ?? Date.now, () => probeDestination(d.connect ?? ((u, o) => new WebSocket(u, o)), dest, d.timeoutMs ?? DEFAULT_TIMEOUT_MS));
      },
    }),
  ];
}

function keyRoutes(d: TenantAdminDeps): RouteSpec[] {
  const keys = '/api/v1/tenant/audiohook-keys';
  return [
    route({
      method: 'GET',
      path: keys,
      operationId: 'listAudioHookKeys',
      summary: "The tenant's AudioHook API keys, masked, oldest first",
      scope: 'read',
      query: tenantQuery,
      response: keyList,
      handler: async ({ query, principal }) => (ownTenant(query, principal) ? { items: (await d.store.listApiKeys(principal.tenant)).map(keyView) } : undefined),
    }),
    route({
      method: 'POST',
      path: keys,
      operationId: 'createAudioHookKey',
      summary: 'Issue a new AudioHook API key and client secret, answered in full this once (admin scope)',
      scope: 'admin',
      query: tenantQuery,
      body: keyCreateInput,
      response: newKey,
      handler: async ({ query, body, principal }) => (ownTenant(query, principal) ? issueKey(d, principal, body.label, null) : undefined),
    }),
    route({
      method: 'POST',
      path: `${keys}/{id}/rotate`,
      operationId: 'rotateAudioHookKey',
      summary: 'Issue a key and secret to replace this one; the old key keeps working until revoked, so live calls are not cut (admin scope)',
      scope: 'admin',
      params: keyParams,
      query: tenantQuery,
      response: newKey,
      handler: async ({ params, query, principal }) => {
        if (!ownTenant(query, principal)) return undefined;
        const old = await keyOf(d, principal, params.id);
        return issueKey(d, principal, `${old.label ?? `key ${mask(old.apiKey)}`} (rotated)`.slice(0, 100), params.id);
      },
    }),
    route({
      method: 'POST',
      path: `${keys}/{id}/revoke`,
      operationId: 'revokeAudioHookKey',
      summary: 'Delete an AudioHook key: new connections with it are refused (admin scope)',
      scope: 'admin',
      params: keyParams,
      query: tenantQuery,
      response: revoked,
      handler: async ({ params, query, principal }) => {
        if (!ownTenant(query, principal)) return undefined;
        const k = await keyOf(d, principal, params.id);
        if (fromConfig(k.source)) throw new ForbiddenError(`id: this key is declared in a configuration file, which \`hookline serve\` applies again at every start: remove it there`);
        await d.store.removeApiKey(k.apiKey);
        await d.applied();
        return { revoked: true as const };
      },
    }),
  ];
}

export function tenantAdminRoutes(d: TenantAdminDeps): RouteSpec[] {
  return [...settingsRoutes(d), ...testRoutes(d), ...keyRoutes(d)];
}

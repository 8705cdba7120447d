/**
 * The install wizard's work, step by step (docs/install.md). Each step first looks at what the run
 * recorded: an object recorded and still present in Genesys is kept, one recorded but gone is made
 * again, so re-running a step (after a refresh, a crash, a failed probe) creates nothing twice.
 * Uninstall deletes exactly the recorded objects, newest first, and nothing else.
 */
import { freshApiKey, TenantStore, type Tenant } from '../tenants/index.js';
import { mask } from '../platform/crypto/index.js';
import { genesysUrls, type InstallConfig } from './config.js';
import { exchangeCode, GenesysAdmin, GenesysCallError } from './genesys.js';
import type { Run, RunStore } from './runs.js';

export class InstallError extends Error {
  override name = 'InstallError';
  constructor(
    message: string,
    readonly status: 400 | 401 | 409 | 502 = 400,
  ) {
    super(message);
  }
}

/**
 * What the admin must hold to run the install (permission names as Genesys lists them, `domain:entity:action`;
 * Genesys Cloud docs, "Roles and permissions overview").
 */
export const ADMIN_PERMISSIONS = [
  'authorization:role:add',
  'authorization:role:edit',
  'oauth:client:add',
  'directory:group:add',
  'integrations:integration:add',
  'integrations:integration:edit',
] as const;

/**
 * Exactly what Hookline's OAuth client needs (reference: its calls are users and groups, analytics
 * conversation details, recordings, and the notification topics those permissions cover).
 */
export const CLIENT_POLICIES = [
  { domain: 'directory', entityName: 'user', actionSet: ['view'], allowConditions: false },
  { domain: 'directory', entityName: 'group', actionSet: ['view'], allowConditions: false },
  { domain: 'analytics', entityName: 'conversationDetail', actionSet: ['view'], allowConditions: false },
  { domain: 'recording', entityName: 'recording', actionSet: ['view'], allowConditions: false },
];

export const STEPS = ['role', 'client', 'group', 'tenant', 'credential', 'integration', 'activate', 'store'] as const;
export type Step = (typeof STEPS)[number];

export interface Check {
  missingPermissions: string[];
  audioHookAvailable: boolean;
  willCreate: string[];
}

export interface InstallDeps {
  config: InstallConfig;
  runs: RunStore;
  tenants: TenantStore;
  /** Called after the tenant or its keys change, before Genesys probes the endpoint (the server's TenantCache.refresh). */
  tenantsChanged: () => Promise<void>;
  /** Injectable for tests (virtual time); the pause between probe-state reads. */
  sleep?: (ms: number) => Promise<void>;
}

const held = (have: string[], want: string): boolean => {
  const [d, e, a] = want.split(':');
  return have.some((p) => {
    const [pd, pe, pa] = p.split(':');
    return (pd === '*' || pd === d) && (pe === '*' || pe === e) && (pa === '*' || pa === a);
  });
};

export class InstallService {
  private readonly urls: { apiUrl: string; loginUrl: string };
  constructor(private readonly d: InstallDeps) {
    this.urls = genesysUrls(d.config);
  }

  /** Where the wizard sends the browser to log in, less the per-login parameters the page adds. */
  loginInfo(): { authorizeUrl: string; clientId: string | null } {
    return { authorizeUrl: `${this.urls.loginUrl}/oauth/authorize`, clientId: this.d.config.genesysClientId ?? null };
  }

  /** Redeems the PKCE code, finds the admin and the org, and starts or resumes the org's run. */
  async login(f: { code: string; codeVerifier: string; redirectUri: string }): Promise<{ run: Run; cookie: string }> {
    const clientId = this.d.config.genesysClientId;
    if (!clientId) throw new InstallError('install.genesysClientId is not configured: the wizard cannot log in to Genesys', 409);
    const { token, expiresIn } = await exchangeCode(this.urls.loginUrl, { clientId, ...f }).catch((err: unknown) => {
      throw err instanceof GenesysCallError ? new InstallError(`${err.message}: log in again`, 401) : err;
    });
    const g = new GenesysAdmin(this.urls.apiUrl, token);
    const org = (await g.call('GET', '/api/v2/organizations/me', 'reading the organization')).body;
    const me = (await g.call('GET', '/api/v2/users/me', 'reading the logged-in user')).body;
    const orgId = String(org.id).toLowerCase();
    return this.d.runs.open(orgId, { adminUserId: String(me.id), adminName: String(me.name ?? ''), orgName: String(org.name ?? '') }, { genesysToken: token, genesysTokenExpiresAt: Date.now() + expiresIn * 1000 });
  }

  private admin(run: Run): GenesysAdmin {
    const { genesysToken, genesysTokenExpiresAt } = run.secrets;
    if (!genesysToken || (genesysTokenExpiresAt ?? 0) <= Date.now()) throw new InstallError('the Genesys login has expired: log in again', 401);
    return new GenesysAdmin(this.urls.apiUrl, genesysToken);
  }

  async check(run: Run): Promise<Check> {
    const g = this.admin(run);
    const me = (await g.call('GET', '/api/v2/users/me?expand=authorization', 'reading your permissions')).body as { authorization?: { permissions?: string[] } };
    const have = me.authorization?.permissions ?? [];
    const audioHook = await g.exists('/api/v2/integrations/types/audiohook', 'looking up the AudioHook integration type');
    const p = this.d.config.namePrefix;
    return {
      missingPermissions: ADMIN_PERMISSIONS.filter((w) => !held(have, w)),
      audioHookAvailable: audioHook,
      willCreate: [`role "${p} AudioHook" (${CLIENT_POLICIES.map((x) => `${x.domain}:${x.entityName}:view`).join(', ')})`, `OAuth client "${p}" (client credentials)`, `group "${p} Monitored"`, `AudioHook Monitor integration "${p} AudioHook"`],
    };
  }

  /** Setup: binds the run to the installer credential that was just proven, with the tenant's name. */
  async setup(run: Run, credentialId: string, tenantName: string): Promise<Run> {
    const name = tenantName.trim();
    if (name === '' || name.length > 200) throw new InstallError('tenantName: must be 1 to 200 characters');
    run.credentialId = credentialId;
    run.tenantName = name;
    await this.d.runs.save(run);
    return run;
  }

  /** Runs every step not done yet; each step's result is saved before the next begins. */
  async install(run: Run): Promise<Run> {
    if (!run.credentialId || !run.tenantName) throw new InstallError('Setup is not done: give the Hookline tenant name and installer credentials first', 409);
    const connectionUri = this.d.config.connectionUri;
    if (!connectionUri) throw new InstallError('install.connectionUri is not configured: Genesys would not know where to send audio', 409);
    const g = this.admin(run);
    const check = await this.check(run);
    if (check.missingPermissions.length > 0) throw new InstallError(`you lack the permission(s) ${check.missingPermissions.join(', ')}`, 409);
    delete run.state.uninstalledAt;
    for (const step of STEPS) {
      if (step !== 'activate' && step !== 'store' && run.state.steps.includes(step) && (await this.stillThere(g, run, step))) continue;
      await this.run(g, run, step, connectionUri);
      if (!run.state.steps.includes(step)) run.state.steps.push(step);
      await this.d.runs.save(run);
    }
    return run;
  }

  private async stillThere(g: GenesysAdmin, run: Run, step: Step): Promise<boolean> {
    const c = run.state.created;
    switch (step) {
      case 'role':
        return c.roleId !== undefined && g.exists(`/api/v2/authorization/roles/${c.roleId}`, 'checking the role');
      case 'client':
        return c.clientId !== undefined && g.exists(`/api/v2/oauth/clients/${c.clientId}`, 'checking the OAuth client');
      case 'group':
        return c.groupId !== undefined && g.exists(`/api/v2/groups/${c.groupId}`, 'checking the group');
      case 'credential':
        return c.credentialId !== undefined && g.exists(`/api/v2/integrations/credentials/${c.credentialId}`, 'checking the credential');
      case 'integration':
        return c.integrationId !== undefined && g.exists(`/api/v2/integrations/${c.integrationId}`, 'checking the integration');
      case 'tenant':
        return run.secrets.apiKey !== undefined && (await this.d.tenants.listApiKeys(run.orgId)).some((k) => k.apiKey === run.secrets.apiKey);
      default:
        return false;
    }
  }

  private async run(g: GenesysAdmin, run: Run, step: Step, connectionUri: string): Promise<void> {
    const p = this.d.config.namePrefix;
    const c = run.state.created;
    switch (step) {
      case 'role': {
        const role = (await g.call('POST', '/api/v2/authorization/roles', 'creating the role', { name: `${p} AudioHook`, description: 'Created by the Hookline install wizard', permissionPolicies: CLIENT_POLICIES })).body;
        c.roleId = String(role.id);
        // A user can only give an OAuth client roles they hold (Genesys Cloud Resource Center, "Create an OAuth client": roles tab).
        await g.call('PUT', `/api/v2/authorization/roles/${c.roleId}/users/add`, 'giving you the role', [run.state.adminUserId]);
        return;
      }
      case 'client': {
        const client = (await g.call('POST', '/api/v2/oauth/clients', 'creating the OAuth client', { name: p, description: 'Hookline backend (client credentials)', authorizedGrantType: 'CLIENT-CREDENTIALS', accessTokenValiditySeconds: 86400, roleIds: [c.roleId] })).body;
        c.clientId = String(client.id);
        run.secrets.clientSecret = String(client.secret);
        return;
      }
      case 'group': {
        const group = (await g.call('POST', '/api/v2/groups', 'creating the monitored group', { name: `${p} Monitored`, description: 'Agents whose calls Hookline records', type: 'official', rulesVisible: true, visibility: 'public' })).body;
        c.groupId = String(group.id);
        return;
      }
      case 'tenant':
        return this.tenantAndKey(run);
      case 'credential': {
        const cred = (await g.call('POST', '/api/v2/integrations/credentials', 'creating the AudioHook credential', { name: `${p} AudioHook`, type: 'audioHook', credentialFields: { apiKey: run.secrets.apiKey, clientSecret: run.secrets.apiSecret } })).body;
        c.credentialId = String(cred.id);
        return;
      }
      case 'integration': {
        const i = (await g.call('POST', '/api/v2/integrations', 'creating the AudioHook integration', { name: `${p} AudioHook`, integrationType: { id: 'audiohook' } })).body;
        c.integrationId = String(i.id);
        const cur = (await g.call('GET', `/api/v2/integrations/${c.integrationId}/config/current`, 'reading the integration config')).body;
        await g.call('PUT', `/api/v2/integrations/${c.integrationId}/config/current`, 'configuring the integration', { name: `${p} AudioHook`, version: cur.version, properties: { channel: 'both', connectionUri }, advanced: {}, credentials: { audioHook: { id: c.credentialId } } });
        return;
      }
      case 'activate':
        return this.activate(g, run);
      case 'store':
        return this.storeGenesys(run);
    }
  }

  private async tenantAndKey(run: Run): Promise<void> {
    const existing = await this.d.tenants.getTenant(run.orgId);
    if (!existing) {
      await this.d.tenants.upsertTenant(TenantStore.normalize({ orgId: run.orgId, name: run.tenantName }), 'api');
      run.state.created.tenantCreated = true;
    }
    const key = freshApiKey();
    await this.d.tenants.addApiKey({ orgId: run.orgId, apiKey: key.apiKey, secret: key.secret, label: 'install wizard' }, 'api');
    run.secrets.apiKey = key.apiKey;
    run.secrets.apiSecret = key.secret;
    run.state.created.apiKeyHint = mask(key.apiKey);
    await this.d.tenantsChanged();
  }

  /** Enables the integration and waits for Genesys' connection probe: ACTIVE passes, anything else is reported. */
  private async activate(g: GenesysAdmin, run: Run): Promise<void> {
    const id = run.state.created.integrationId;
    await this.d.tenantsChanged();
    await g.call('PATCH', `/api/v2/integrations/${id}`, 'activating the integration', { intendedState: 'ENABLED' });
    const sleep = this.d.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const deadline = Date.now() + this.d.config.probeTimeoutSeconds * 1000;
    for (;;) {
      const i = (await g.call('GET', `/api/v2/integrations/${id}`, 'reading the integration state')).body as { reportedState?: { code?: string; detail?: unknown } };
      const code = i.reportedState?.code ?? 'UNKNOWN';
      run.state.integrationState = code;
      if (code === 'ACTIVE') return;
      if (code !== 'ACTIVATING' || Date.now() > deadline) {
        await this.d.runs.save(run);
        const detail = typeof i.reportedState?.detail === 'string' ? i.reportedState.detail : JSON.stringify(i.reportedState?.detail ?? '');
        throw new InstallError(`the AudioHook connection probe did not pass (state ${code}${detail ? `: ${detail.slice(0, 300)}` : ''}); fix it and run Install again`, 502);
      }
      await sleep(250);
    }
  }

  private async storeGenesys(run: Run): Promise<void> {
    const t = (await this.d.tenants.getTenant(run.orgId)) as Tenant;
    const { apiUrl, loginUrl } = this.d.config;
    const genesys = { clientId: run.state.created.clientId as string, clientSecret: run.secrets.clientSecret as string, region: this.d.config.region, ...(apiUrl ? { apiUrl } : {}), ...(loginUrl ? { loginUrl } : {}) };
    await this.d.tenants.upsertTenant({ ...t, genesys, monitoredGroupId: run.state.created.groupId as string }, 'api');
    await this.d.tenantsChanged();
  }

  /** Removes what the run created, newest first; objects already gone count as removed. */
  async uninstall(run: Run): Promise<Run> {
    const g = this.admin(run);
    const c = run.state.created;
    if (c.integrationId) await g.remove(`/api/v2/integrations/${c.integrationId}`, 'deleting the integration');
    if (c.credentialId) await g.remove(`/api/v2/integrations/credentials/${c.credentialId}`, 'deleting the credential');
    if (c.clientId) await g.remove(`/api/v2/oauth/clients/${c.clientId}`, 'deleting the OAuth client');
    if (c.groupId) await g.remove(`/api/v2/groups/${c.groupId}`, 'deleting the group');
    if (c.roleId) await g.remove(`/api/v2/authorization/roles/${c.roleId}`, 'deleting the role');
    await this.removeFromHookline(run);
    run.state = { ...run.state, steps: [], created: {}, uninstalledAt: new Date().toISOString() };
    delete run.state.integrationState;
    run.secrets = { ...(run.secrets.genesysToken ? { genesysToken: run.secrets.genesysToken } : {}), ...(run.secrets.genesysTokenExpiresAt ? { genesysTokenExpiresAt: run.secrets.genesysTokenExpiresAt } : {}) };
    await this.d.runs.save(run);
    return run;
  }

  private async removeFromHookline(run: Run): Promise<void> {
    const c = run.state.created;
    if (run.secrets.apiKey) await this.d.tenants.removeApiKey(run.secrets.apiKey);
    if (c.tenantCreated) await this.d.tenants.removeTenant(run.orgId);
    else {
      const t = await this.d.tenants.getTenant(run.orgId);
      // Only the Genesys settings this run wrote: an admin's own later change is theirs.
      if (t && t.genesys?.clientId === c.clientId) {
        const { genesys: _g, monitoredGroupId: _m, ...rest } = t;
        await this.d.tenants.upsertTenant(rest, 'api');
      }
    }
    await this.d.tenantsChanged();
  }
}

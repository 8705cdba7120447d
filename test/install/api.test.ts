/**
 * The install API end to end against the emulator (no browser): log in as the admin with PKCE, check,
 * set up with installer credentials, install — every object exists and the integration passed its
 * probe, the tenant holds the Genesys credentials — then a re-run creates nothing twice, and
 * uninstall removes exactly what the run created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTables } from '../../src/app/database.js';
import { ADMIN, clientToken, pkcePair, startInstallStack, WIZARD_CLIENT, type InstallStack } from './harness.js';

let s: InstallStack;
let cookie: string;
type Json = Record<string, unknown>;

beforeAll(async () => {
  s = await startInstallStack();
});
afterAll(() => s.stop());

async function post(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json; setCookie: string | null }> {
  const res = await fetch(`${s.adminUrl}${path}`, {
    method: 'POST',
    headers: { origin: s.adminUrl, ...(cookie ? { cookie } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Json, setCookie: res.headers.get('set-cookie') };
}

async function get(path: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${s.adminUrl}${path}`, { headers: cookie ? { cookie } : {} });
  return { status: res.status, body: (await res.json()) as Json };
}

/** The browser's part of the PKCE login, done by hand: the login form, then the code back to Hookline. */
async function logIn(): Promise<void> {
  const { verifier, challenge } = pkcePair();
  const form = new URLSearchParams({ response_type: 'code', client_id: WIZARD_CLIENT, redirect_uri: s.redirectUri, code_challenge: challenge, code_challenge_method: 'S256', username: ADMIN.email, password: ADMIN.password });
  const res = await fetch(`${s.org.loginUrl}/oauth/authorize`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  const code = new URL(res.headers.get('location') as string).searchParams.get('code') as string;
  cookie = '';
  const r = await post('/api/v1/install/login', { code, codeVerifier: verifier, redirectUri: s.redirectUri });
  expect(r.status).toBe(200);
  cookie = (r.setCookie as string).split(';')[0] as string;
}

async function genesys(path: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${s.org.apiUrl}${path}`, { headers: { authorization: `Bearer ${await clientToken(s.org)}` } });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Json };
}

const counts = async () => {
  const [roles, groups, clients, integrations, creds] = await Promise.all(['/api/v2/authorization/roles', '/api/v2/groups', '/api/v2/oauth/clients', '/api/v2/integrations', '/api/v2/integrations/credentials'].map((p) => genesys(`${p}?pageSize=100`)));
  return [roles, groups, clients, integrations, creds].map((r) => (r?.body.entities as unknown[]).length);
};

describe('install API', () => {
  it('refuses a run without the Genesys login, and setup without an installer token', async () => {
    cookie = '';
    expect((await get('/api/v1/install/run')).status).toBe(401);
    await logIn();
    expect((await post('/api/v1/install/run/setup', { tenantName: 'X' })).status).toBe(401);
    expect((await post('/api/v1/install/token', { clientId: s.installer.id, clientSecret: 'wrong' })).status).toBe(401);
    expect((await post('/api/v1/install/run/install')).status).toBe(409);
  });

  it('checks, sets up, installs (probe passed) and stores the Genesys credentials in the tenant; a re-run creates nothing twice', async () => {
    await logIn();
    const check = await get('/api/v1/install/run/check');
    expect(check.body).toMatchObject({ missingPermissions: [], audioHookAvailable: true });
    const token = await post('/api/v1/install/token', { clientId: s.installer.id, clientSecret: s.installer.secret });
    expect(token.status).toBe(200);
    const setup = await post('/api/v1/install/run/setup', { tenantName: 'Customer' }, { authorization: `Bearer ${String(token.body.access_token)}` });
    expect(setup.body).toMatchObject({ setupDone: true, tenantName: 'Customer' });
    const before = await counts();
    const done = await post('/api/v1/install/run/install');
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ installed: true, integrationState: 'ACTIVE' });
    const created = done.body.created as Record<string, { id: string } | null>;
    expect((await genesys(`/api/v2/authorization/roles/${created.role?.id}`)).status).toBe(200);
    expect((await genesys(`/api/v2/oauth/clients/${created.oauthClient?.id}`)).body).toMatchObject({ authorizedGrantType: 'CLIENT-CREDENTIALS', roleIds: [created.role?.id] });
    expect((await genesys(`/api/v2/groups/${created.group?.id}`)).status).toBe(200);
    expect((await genesys(`/api/v2/integrations/${created.integration?.id}`)).body).toMatchObject({ intendedState: 'ENABLED', reportedState: { code: 'ACTIVE' } });
    expect(await counts()).toEqual(before.map((n) => n + 1));

    const tenant = await s.t.server.ctx.tenants.getTenant(s.org.orgId);
    expect(tenant).toMatchObject({ name: 'Customer', genesys: { clientId: created.oauthClient?.id }, monitoredGroupId: created.group?.id });
    // Stored encrypted, like every tenant secret: the OAuth client's secret is nowhere in the run's row.
    const row = await allTables(s.t.server.ctx.db).selectFrom('install_runs').selectAll().executeTakeFirstOrThrow();
    expect(row.secrets_enc).not.toContain(String(tenant?.genesys?.clientSecret));
    expect(row.state).not.toContain(String(tenant?.genesys?.clientSecret));

    // A refresh and a second login resume the same run; installing again creates nothing.
    await logIn();
    const again = await post('/api/v1/install/run/install');
    expect(again.body).toMatchObject({ installed: true, created: { role: { id: created.role?.id }, integration: { id: created.integration?.id } } });
    expect(await counts()).toEqual(before.map((n) => n + 1));
  });

  it('uninstall removes exactly what the run created, and leaves what the admin made', async () => {
    const before = await counts();
    const r = await post('/api/v1/install/run/uninstall');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await counts()).toEqual(before.map((n) => n - 1));
    expect((await genesys(`/api/v2/groups/${s.own.groupId}`)).status).toBe(200);
    expect((await genesys(`/api/v2/authorization/roles/${s.own.roleId}`)).status).toBe(200);
    expect(await s.t.server.ctx.tenants.getTenant(s.org.orgId)).toBeUndefined();
    expect(r.body).toMatchObject({ installed: false, uninstalledAt: expect.any(String) });
  });

  it('refuses a cross-origin POST with the run cookie, and is described in the OpenAPI document', async () => {
    await logIn();
    expect((await post('/api/v1/install/run/uninstall', undefined, { origin: 'https://evil.example' })).status).toBe(403);
    const doc = (await get('/api/v1/openapi.json')).body as { paths: Record<string, unknown> };
    const page = await fetch(`${s.adminUrl}/install/`);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/install/login', '/api/v1/install/token', '/api/v1/install/run/install', '/api/v1/install/run/uninstall']));
  });

  it('a failing connection probe stops the install with the probe state, and leaves the steps before it done', async () => {
    const other = await startInstallStack({ audioHookPath: '/not/the/audiohook/path' });
    const saved = { s, cookie };
    try {
      s = other;
      await logIn();
      const token = await post('/api/v1/install/token', { clientId: other.installer.id, clientSecret: other.installer.secret });
      await post('/api/v1/install/run/setup', { tenantName: 'Probe' }, { authorization: `Bearer ${String(token.body.access_token)}` });
      const r = await post('/api/v1/install/run/install');
      expect(r.status).toBe(502);
      expect(String(r.body.error)).toMatch(/connection probe did not pass \(state ERROR/);
      const run = await get('/api/v1/install/run');
      expect(run.body).toMatchObject({ installed: false, integrationState: 'ERROR' });
      expect((run.body.steps as { step: string; done: boolean }[]).filter((x) => x.done).map((x) => x.step)).toEqual(['role', 'client', 'group', 'tenant', 'credential', 'integration']);
    } finally {
      ({ s, cookie } = saved);
      await other.stop();
    }
  });

  it('a missing permission is reported by the check', async () => {
    const other = await startInstallStack({ permissions: ['integrations:integration:add'] });
    try {
      const { verifier, challenge } = pkcePair();
      const form = new URLSearchParams({ response_type: 'code', client_id: WIZARD_CLIENT, redirect_uri: other.redirectUri, code_challenge: challenge, code_challenge_method: 'S256', username: ADMIN.email, password: ADMIN.password });
      const res = await fetch(`${other.org.loginUrl}/oauth/authorize`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
      const code = new URL(res.headers.get('location') as string).searchParams.get('code') as string;
      const login = await fetch(`${other.adminUrl}/api/v1/install/login`, { method: 'POST', headers: { origin: other.adminUrl, 'content-type': 'application/json' }, body: JSON.stringify({ code, codeVerifier: verifier, redirectUri: other.redirectUri }) });
      const c = (login.headers.get('set-cookie') as string).split(';')[0] as string;
      const check = (await (await fetch(`${other.adminUrl}/api/v1/install/run/check`, { headers: { cookie: c } })).json()) as Json;
      expect(check.missingPermissions).toContain('oauth:client:add');
    } finally {
      await other.stop();
    }
  });
});

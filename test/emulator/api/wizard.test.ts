/**
 * The premium-app install wizard's objects (reference §3.10): a role, a group,
 * an OAuth client whose secret works at the login endpoint, integration types,
 * client apps and credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator, SeededOrg } from '../../../src/emulator/index.js';
import { api, emulator, login, type Json } from '../helpers.js';

let emu: RunningEmulator;
let org: SeededOrg;
let token: string;

beforeAll(async () => {
  emu = await emulator({ seed: { orgs: [{ name: 'Customer', users: [{ name: 'Installer' }] }] } });
  org = emu.seeded[0] as SeededOrg;
  token = await login(org);
});
afterAll(() => emu.stop());

describe('install wizard objects', () => {
  it('creates a role and an OAuth client whose secret logs in, then moves the client to the new role', async () => {
    const roles = (await api(org, token, 'GET', '/api/v2/authorization/roles')).body as { entities: Json[] };
    const employee = roles.entities.find((r) => r.name === 'employee') as Json;
    const role = (await api(org, token, 'POST', '/api/v2/authorization/roles', { name: 'PREFIX_Role', permissionPolicies: [{ domain: 'integration', entityName: 'x', actionSet: ['*'] }] })).body as Json;
    const installer = org.users[0]?.id as string;
    expect((await api(org, token, 'PUT', `/api/v2/authorization/roles/${role.id}/users/add`, [installer])).body).toEqual([installer]);

    const bad = await api(org, token, 'POST', '/api/v2/oauth/clients', { name: 'No role', authorizedGrantType: 'CLIENT-CREDENTIALS', roleIds: [] });
    expect(bad.status).toBe(400);
    const created = await api(org, token, 'POST', '/api/v2/oauth/clients', { name: 'PREFIX_Client', authorizedGrantType: 'CLIENT-CREDENTIALS', accessTokenValiditySeconds: 86400, roleIds: [employee.id] });
    expect(created.status).toBe(200);
    const client = created.body as Json;
    expect(client).toMatchObject({ id: expect.any(String), secret: expect.any(String), roleIds: [employee.id] });
    const fresh = await login(org, { clientId: String(client.id), clientSecret: String(client.secret), name: 'x' });
    expect((await api(org, fresh, 'GET', '/api/v2/users')).status).toBe(200);

    const put = await api(org, token, 'PUT', `/api/v2/oauth/clients/${client.id}`, { name: 'PREFIX_Client', authorizedGrantType: 'CLIENT-CREDENTIALS', roleIds: [role.id] });
    expect((put.body as Json).roleIds).toEqual([role.id]);
    expect((put.body as Json).secret).toBeUndefined();
    expect((await api(org, token, 'DELETE', `/api/v2/oauth/clients/${client.id}`)).status).toBe(204);
    expect((await api(org, fresh, 'GET', '/api/v2/users')).status).toBe(401);
  });

  it('lists integration types, keeps credential secrets write-only, and lists client apps', async () => {
    const types = (await api(org, token, 'GET', '/api/v2/integrations/types')).body as { entities: Json[] };
    expect(types.entities.map((t) => t.id)).toEqual(expect.arrayContaining(['audiohook', 'audio-connector', 'amazon-eventbridge-source', 'premium-app-example']));
    expect((await api(org, token, 'GET', '/api/v2/integrations/types/audiohook')).body).toMatchObject({ id: 'audiohook' });
    const cred = (await api(org, token, 'POST', '/api/v2/integrations/credentials', { name: 'c', type: { name: 'audioHook' }, credentialFields: { apiKey: 'k', clientSecret: 's' } })).body as Json;
    expect((await api(org, token, 'GET', `/api/v2/integrations/credentials/${cred.id}`)).body).toMatchObject({ credentialFields: { apiKey: '', clientSecret: '' } });
    const app = (await api(org, token, 'POST', '/api/v2/integrations', { integrationType: { id: 'premium-app-example' } })).body as Json;
    await api(org, token, 'PATCH', `/api/v2/integrations/${app.id}`, { intendedState: 'ENABLED' });
    const apps = (await api(org, token, 'GET', '/api/v2/integrations/clientapps?pageSize=1000')).body as { entities: Json[] };
    expect(apps.entities).toEqual([expect.objectContaining({ id: app.id, intendedState: 'ENABLED', reportedState: expect.objectContaining({ code: 'ACTIVE' }) })]);
    const badType = await api(org, token, 'POST', '/api/v2/integrations', { integrationType: { id: 'nope' } });
    expect(badType.status).toBe(400);
    expect(String((badType.body as Json).message)).toContain('audiohook');
  });

  it('an AudioHook config needs the current version and existing credentials', async () => {
    const i = (await api(org, token, 'POST', '/api/v2/integrations', { integrationType: { id: 'audiohook' } })).body as Json;
    const stale = await api(org, token, 'PUT', `/api/v2/integrations/${i.id}/config/current`, { version: 9, properties: {} });
    expect(stale.status).toBe(409);
    const missing = await api(org, token, 'PUT', `/api/v2/integrations/${i.id}/config/current`, { version: 1, credentials: { audioHook: { id: 'none' } } });
    expect(missing.status).toBe(400);
    // Enabling without a usable connection: the probe cannot run and the integration reports an error.
    await api(org, token, 'PATCH', `/api/v2/integrations/${i.id}`, { intendedState: 'ENABLED' });
    const got = (await api(org, token, 'GET', `/api/v2/integrations/${i.id}`)).body as Json;
    expect(got).toMatchObject({ intendedState: 'ENABLED', reportedState: { code: 'ERROR', detail: { message: expect.stringContaining('connectionUri') } } });
  });
});

/**
 * Users and groups: the entity-listing envelope, paging limits, bulk ids,
 * expand=groups, and membership changes from both the API and the control API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator, SeededOrg } from '../../../src/emulator/index.js';
import { api, emulator, login, type Json } from '../helpers.js';

let emu: RunningEmulator;
let org: SeededOrg;
let token: string;
let groupId: string;

beforeAll(async () => {
  emu = await emulator({
    seed: { orgs: [{ name: 'Big', generateUsers: 57, groups: [{ name: 'Empty' }] }] },
  });
  org = emu.seeded[0] as SeededOrg;
  token = await login(org);
  groupId = (org.groups[0] as { id: string }).id;
  await emu.control.addMembers(org.orgId, groupId, org.users.slice(0, 30).map((u) => u.id));
});
afterAll(() => emu.stop());

async function walk(first: string): Promise<Json[]> {
  const all: Json[] = [];
  let next: string | undefined = first;
  let pages = 0;
  while (next) {
    const res = await api(org, token, 'GET', next);
    expect(res.status).toBe(200);
    const body = res.body as Json;
    all.push(...(body.entities as Json[]));
    next = body.nextUri as string | undefined;
    if (++pages > 20) throw new Error('paging does not end');
  }
  return all;
}

describe('entity listings', () => {
  it('pages users with the Genesys envelope and relative URIs', async () => {
    const res = await api(org, token, 'GET', '/api/v2/users?pageSize=25&pageNumber=2');
    expect(res.body).toMatchObject({
      pageSize: 25,
      pageNumber: 2,
      total: 57,
      pageCount: 3,
      firstUri: '/api/v2/users?pageSize=25&pageNumber=1',
      selfUri: '/api/v2/users?pageSize=25&pageNumber=2',
      nextUri: '/api/v2/users?pageSize=25&pageNumber=3',
      previousUri: '/api/v2/users?pageSize=25&pageNumber=1',
      lastUri: '/api/v2/users?pageSize=25&pageNumber=3',
    });
    expect((res.body as Json).entities).toHaveLength(25);
  });

  it('following nextUri visits every user once, and the last page has no nextUri', async () => {
    const users = await walk('/api/v2/users?pageSize=25');
    expect(new Set(users.map((u) => u.id)).size).toBe(57);
    const last = (await api(org, token, 'GET', '/api/v2/users?pageSize=25&pageNumber=3')).body as Json;
    expect(last.nextUri).toBeUndefined();
    expect(last.entities).toHaveLength(7);
  });

  it('400 above the maximum page size and for nonsense paging', async () => {
    for (const q of ['pageSize=501', 'pageSize=0', 'pageNumber=0', 'pageSize=abc']) {
      const res = await api(org, token, 'GET', `/api/v2/users?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body).toMatchObject({ status: 400, code: expect.any(String), message: expect.any(String) });
    }
    expect((await api(org, token, 'GET', `/api/v2/groups/${groupId}/members?pageSize=101`)).status).toBe(400);
    expect((await api(org, token, 'GET', '/api/v2/users?pageSize=500')).status).toBe(200);
  });

  it('clamps instead when configured to', async () => {
    await emu.control.patchSettings({ paging: { overMax: 'clamp' } });
    const res = await api(org, token, 'GET', `/api/v2/groups/${groupId}/members?pageSize=1000`);
    expect((res.body as Json).pageSize).toBe(100);
    await emu.control.patchSettings({ paging: { overMax: 'reject' } });
  });

  it('fetches users by id in bulk and expands groups', async () => {
    const ids = org.users.slice(0, 2).map((u) => u.id);
    const res = await api(org, token, 'GET', `/api/v2/users?id=${ids.join(',')}&expand=groups`);
    const entities = (res.body as Json).entities as Json[];
    expect(entities.map((e) => e.id).sort()).toEqual([...ids].sort());
    expect(entities[0]?.groups).toEqual([{ id: groupId, selfUri: `/api/v2/groups/${groupId}` }]);
    const one = await api(org, token, 'GET', `/api/v2/users/${ids[0]}`);
    expect(one.body).toMatchObject({ id: ids[0], state: 'active', version: 1, selfUri: `/api/v2/users/${ids[0]}` });
    expect((await api(org, token, 'GET', '/api/v2/users/nope')).status).toBe(404);
  });
});

describe('groups', () => {
  it('members and individuals page through the direct members', async () => {
    const members = await walk(`/api/v2/groups/${groupId}/members?pageSize=10`);
    expect(members).toHaveLength(30);
    const individuals = await walk(`/api/v2/groups/${groupId}/individuals?pageSize=25`);
    expect(individuals.map((u) => u.id).sort()).toEqual(members.map((u) => u.id).sort());
    const g = (await api(org, token, 'GET', `/api/v2/groups/${groupId}`)).body as Json;
    expect(g).toMatchObject({ id: groupId, name: 'Empty', memberCount: 30, type: 'official', visibility: 'public', state: 'active' });
  });

  it('control API membership changes show up and bump the version', async () => {
    const before = ((await api(org, token, 'GET', `/api/v2/groups/${groupId}`)).body as Json).version as number;
    const extra = org.users[40]?.id as string;
    await emu.control.addMembers(org.orgId, groupId, [extra]);
    let members = await walk(`/api/v2/groups/${groupId}/members?pageSize=100`);
    expect(members.map((m) => m.id)).toContain(extra);
    await emu.control.removeMembers(org.orgId, groupId, [extra]);
    members = await walk(`/api/v2/groups/${groupId}/members?pageSize=100`);
    expect(members.map((m) => m.id)).not.toContain(extra);
    expect(((await api(org, token, 'GET', `/api/v2/groups/${groupId}`)).body as Json).version).toBe(before + 2);
  });

  it('the Genesys API adds members with a version check, and removes them', async () => {
    const created = (await api(org, token, 'POST', '/api/v2/groups', { name: 'Wizard group', type: 'official', rulesVisible: true, visibility: 'public' })).body as Json;
    const id = created.id as string;
    const user = org.users[50]?.id as string;
    expect((await api(org, token, 'POST', `/api/v2/groups/${id}/members`, { memberIds: [user], version: 7 })).status).toBe(409);
    expect((await api(org, token, 'POST', `/api/v2/groups/${id}/members`, { memberIds: [user], version: 1 })).status).toBe(202);
    expect(((await api(org, token, 'GET', `/api/v2/groups/${id}/members`)).body as Json).total).toBe(1);
    expect((await api(org, token, 'DELETE', `/api/v2/groups/${id}/members?ids=${user}`)).status).toBe(202);
    expect(((await api(org, token, 'GET', `/api/v2/groups/${id}/members`)).body as Json).total).toBe(0);
    expect((await api(org, token, 'POST', `/api/v2/groups/${id}/members`, { memberIds: ['nobody'], version: 3 })).status).toBe(400);
  });
});

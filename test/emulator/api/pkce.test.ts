/**
 * The browser grants at the login host (src/emulator/api/authorize.ts): the login form, the
 * authorization code with PKCE S256, the implicit grant, redirect URIs checked against the client's,
 * and user tokens that carry the user's permissions at /api/v2/users/me?expand=authorization.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator, SeededOrg } from '../../../src/emulator/index.js';
import { api, emulator, login, type Json } from '../helpers.js';

const REDIRECT = 'http://127.0.0.1:9/install/';
let emu: RunningEmulator;
let org: SeededOrg;
let codeClient: string;
let implicitClient: string;

beforeAll(async () => {
  emu = await emulator({
    seed: {
      orgs: [
        {
          name: 'Customer',
          users: [{ name: 'Ada Admin', email: 'ada@example.com', password: 'test-password', permissions: ['integrations:integration:add'] }, { name: 'No Login' }],
          oauthClients: [{ name: 'Backend' }, { name: 'Wizard', grant: 'code', redirectUris: [REDIRECT] }, { name: 'Implicit', grant: 'token', redirectUris: [REDIRECT] }],
        },
      ],
    },
  });
  org = emu.seeded[0] as SeededOrg;
  codeClient = org.clients[1]?.clientId as string;
  implicitClient = org.clients[2]?.clientId as string;
});
afterAll(() => emu.stop());

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

function authorizeUrl(params: Record<string, string>): string {
  return `${org.loginUrl}/oauth/authorize?${new URLSearchParams(params).toString()}`;
}

async function submit(params: Record<string, string>, password = 'test-password'): Promise<Response> {
  return fetch(`${org.loginUrl}/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...params, username: 'ada@example.com', password }).toString(),
  });
}

async function token(form: Record<string, string>): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${org.loginUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  return { status: res.status, body: (await res.json()) as Json };
}

async function codeFor(challenge: string): Promise<string> {
  const res = await submit({ response_type: 'code', client_id: codeClient, redirect_uri: REDIRECT, state: 's1', code_challenge: challenge, code_challenge_method: 'S256' });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location') as string);
  expect(back.searchParams.get('state')).toBe('s1');
  return back.searchParams.get('code') as string;
}

describe('authorization code with PKCE', () => {
  it('shows a login form, redirects with a code, and the code with its verifier buys a user token with the user\'s permissions', async () => {
    const { verifier, challenge } = pkce();
    const form = await fetch(authorizeUrl({ response_type: 'code', client_id: codeClient, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256' }));
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="password"');
    const code = await codeFor(challenge);
    const t = await token({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: codeClient, redirect_uri: REDIRECT });
    expect(t.status).toBe(200);
    const me = await api(org, String(t.body.access_token), 'GET', '/api/v2/users/me?expand=authorization');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'ada@example.com', authorization: { permissions: ['integrations:integration:add'] } });
  });

  it('a wrong verifier is invalid_grant, and the code is then spent', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const bad = await token({ grant_type: 'authorization_code', code, code_verifier: `${verifier}x`, client_id: codeClient, redirect_uri: REDIRECT });
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const again = await token({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: codeClient, redirect_uri: REDIRECT });
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a redirect_uri at the token endpoint other than the code\'s is invalid_grant', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const bad = await token({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: codeClient, redirect_uri: 'http://127.0.0.1:9/other/' });
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses an unregistered redirect_uri without redirecting, and a wrong password with the form again', async () => {
    const res = await fetch(authorizeUrl({ response_type: 'code', client_id: codeClient, redirect_uri: 'https://evil.example/cb' }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const wrong = await submit({ response_type: 'code', client_id: codeClient, redirect_uri: REDIRECT }, 'nope');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong email or password');
  });

  it('refuses a client-credentials client at the authorize endpoint', async () => {
    const res = await fetch(authorizeUrl({ response_type: 'code', client_id: org.clients[0]?.clientId as string, redirect_uri: REDIRECT }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).error).toBe('unauthorized_client');
  });
});

describe('implicit grant', () => {
  it('puts a user token in the fragment', async () => {
    const res = await submit({ response_type: 'token', client_id: implicitClient, redirect_uri: REDIRECT, state: 'xyz' });
    expect(res.status).toBe(302);
    const frag = new URLSearchParams(new URL(res.headers.get('location') as string).hash.slice(1));
    expect(frag.get('state')).toBe('xyz');
    const me = await api(org, frag.get('access_token') as string, 'GET', '/api/v2/users/me');
    expect(me.body).toMatchObject({ email: 'ada@example.com' });
  });

  it('a client-credentials token still has no /users/me', async () => {
    const t = await login(org);
    expect((await api(org, t, 'GET', '/api/v2/users/me')).status).toBe(400);
  });
});

describe('deleting what an install created', () => {
  it('deletes a group and a role (once no client holds it)', async () => {
    const t = await login(org);
    const g = (await api(org, t, 'POST', '/api/v2/groups', { name: 'G' })).body as Json;
    expect((await api(org, t, 'DELETE', `/api/v2/groups/${g.id}`)).status).toBe(204);
    expect((await api(org, t, 'GET', `/api/v2/groups/${g.id}`)).status).toBe(404);
    const r = (await api(org, t, 'POST', '/api/v2/authorization/roles', { name: 'R' })).body as Json;
    const c = (await api(org, t, 'POST', '/api/v2/oauth/clients', { name: 'C', authorizedGrantType: 'CLIENT-CREDENTIALS', roleIds: [r.id] })).body as Json;
    expect((await api(org, t, 'DELETE', `/api/v2/authorization/roles/${r.id}`)).status).toBe(400);
    await api(org, t, 'DELETE', `/api/v2/oauth/clients/${c.id}`);
    expect((await api(org, t, 'DELETE', `/api/v2/authorization/roles/${r.id}`)).status).toBe(204);
    expect((await api(org, t, 'GET', `/api/v2/authorization/roles/${r.id}`)).status).toBe(404);
  });
});

/**
 * OAuth client credentials per region: good and bad secrets, token expiry on
 * the virtual clock, and tokens that only work in their own environment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator, SeededOrg } from '../../../src/emulator/index.js';
import { api, emulator, login, type Json } from '../helpers.js';

let emu: RunningEmulator;
let east: SeededOrg;
let europe: SeededOrg;

beforeAll(async () => {
  emu = await emulator({
    seed: {
      orgs: [
        { name: 'East', users: [{ name: 'Alice' }], oauthClients: [{ name: 'short', tokenLifetimeSeconds: 60 }] },
        { name: 'Europe', env: 'mypurecloud.ie', users: [{ name: 'Bob' }] },
      ],
    },
  });
  [east, europe] = emu.seeded as [SeededOrg, SeededOrg];
});
afterAll(() => emu.stop());

const tokenRequest = (loginUrl: string, id: string, secret: string, body = 'grant_type=client_credentials') =>
  fetch(`${loginUrl}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });

describe('POST /oauth/token', () => {
  it('issues an opaque bearer token with the client lifetime', async () => {
    const c = east.clients[0] as SeededOrg['clients'][number];
    const res = await tokenRequest(east.loginUrl, c.clientId, c.clientSecret);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 60 });
    expect(String(body.access_token).split('.')).toHaveLength(1); // opaque, not a JWT
    const me = await api(east, String(body.access_token), 'GET', '/api/v2/users');
    expect(me.status).toBe(200);
  });

  it('uses the default lifetime when the client has none', async () => {
    const c = europe.clients[0] as SeededOrg['clients'][number];
    const body = (await (await tokenRequest(europe.loginUrl, c.clientId, c.clientSecret)).json()) as Json;
    expect(body.expires_in).toBe(86400);
  });

  it('answers invalid_client JSON to a bad secret or an unknown client', async () => {
    const c = east.clients[0] as SeededOrg['clients'][number];
    for (const [id, secret] of [[c.clientId, 'wrong'], ['no-such-client', 'x']] as const) {
      const res = await tokenRequest(east.loginUrl, id, secret);
      expect(res.status).toBe(401);
      const body = (await res.json()) as Json;
      expect(body).toEqual({ error: 'invalid_client', description: expect.any(String), error_description: expect.any(String) });
    }
  });

  it('rejects other grant types and a missing grant with clear errors', async () => {
    const c = east.clients[0] as SeededOrg['clients'][number];
    const other = await tokenRequest(east.loginUrl, c.clientId, c.clientSecret, 'grant_type=password');
    expect(other.status).toBe(400);
    expect(((await other.json()) as Json).error).toBe('unsupported_grant_type');
    const none = await tokenRequest(east.loginUrl, c.clientId, c.clientSecret, '');
    expect(none.status).toBe(400);
    expect(((await none.json()) as Json).error).toBe('invalid_request');
  });

  it('expires tokens on the virtual clock: 401 bad.credentials afterwards', async () => {
    const token = await login(east);
    expect((await api(east, token, 'GET', '/api/v2/users')).status).toBe(200);
    await emu.control.advance(60_000);
    const after = await api(east, token, 'GET', '/api/v2/users');
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ message: 'Invalid login credentials.', code: 'bad.credentials', status: 401 });
  });

  it('401 without a bearer token, or with an unknown one', async () => {
    const none = await api(east, undefined, 'GET', '/api/v2/users');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ code: 'bad.credentials', message: 'No authentication bearer token specified in authorization header.' });
    const bogus = await api(east, 'not-a-token', 'GET', '/api/v2/users');
    expect(bogus.body).toMatchObject({ code: 'bad.credentials', status: 401 });
  });
});

describe('regions', () => {
  it('a token from one environment is rejected on another', async () => {
    const ieToken = await login(europe);
    expect((await api(europe, ieToken, 'GET', '/api/v2/users')).status).toBe(200);
    const cross = await api(east, ieToken, 'GET', '/api/v2/users');
    expect(cross.status).toBe(401);
    expect(cross.body).toMatchObject({ code: 'bad.credentials' });
  });

  it('an OAuth client only logs in at its own region', async () => {
    const c = europe.clients[0] as SeededOrg['clients'][number];
    const res = await tokenRequest(east.loginUrl, c.clientId, c.clientSecret);
    expect(res.status).toBe(401);
    expect(((await res.json()) as Json).error).toBe('invalid_client');
  });

  it('serves the default region (mypurecloud.com) on unprefixed paths too', async () => {
    const token = await login(east);
    const res = await fetch(`${emu.url}/api/v2/users`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(east.apiUrl).toBe(`${emu.url}/r/mypurecloud.com`);
    expect(east.loginUrl).toBe(`${emu.url}/r/mypurecloud.com/login`);
    expect(europe.apiUrl).toBe(`${emu.url}/r/mypurecloud.ie`);
  });

  it('every response carries an ININ-Correlation-Id that matches the error contextId', async () => {
    const res = await api(east, 'nope', 'GET', '/api/v2/users');
    expect(res.headers.get('inin-correlation-id')).toBe((res.body as Json).contextId);
  });
});

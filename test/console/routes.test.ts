/**
 * The console's API through its routes (Fastify inject): login sets a safe
 * cookie and refuses a wrong password without one; CSRF and origin checks on
 * state-changing requests; login throttling per username and per address;
 * sessions end with logout and with a disabled user; the read API takes a
 * console session for the user's tenants only, and a token as before.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleApp, cookieOf, type ConsoleApp } from './fixtures.js';

const PW = 'right password 1';
const json = { 'content-type': 'application/json' };

describe('console API', () => {
  let c: ConsoleApp;
  let acme: string;
  let globex: string;
  beforeAll(async () => {
    c = await consoleApp({ maxFailuresPerUser: 3, maxFailuresPerAddress: 5, lockSeconds: 10, maxLockSeconds: 60 });
    acme = c.tenants[0]!.orgId;
    globex = c.tenants[1]!.orgId;
    await c.users.add({ username: 'Viewer', password: PW, roles: [{ tenant: acme, role: 'viewer' }] });
    await c.users.add({ username: 'admin', password: PW, roles: [{ tenant: acme, role: 'admin' }] });
    await c.users.add({ username: 'root', password: PW, roles: [], globalAdmin: true });
  });
  afterAll(() => c.close());

  let address = 0;
  /** Each test logs in from its own address, so the per-address throttle of one test never touches another. */
  const nextAddress = () => `10.0.0.${++address}`;
  const login = (username: string, password: string, remoteAddress = nextAddress(), headers: Record<string, string> = {}) =>
    c.app.inject({ method: 'POST', url: '/console/api/login', headers: { ...json, ...headers }, payload: { username, password }, remoteAddress });
  const session = async (username: string) => {
    const r = await login(username, PW);
    expect(r.statusCode).toBe(200);
    return { cookie: `hookline_session=${cookieOf(r.headers['set-cookie'])}`, csrf: r.json<{ csrfToken: string }>().csrfToken };
  };
  const get = (url: string, cookie: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> => c.app.inject({ method: 'GET', url, headers: { cookie, ...headers } });

  it('logs in with the right password: an HttpOnly, SameSite=Strict cookie, not Secure on loopback http', async () => {
    const r = await login('VIEWER', PW);
    expect(r.statusCode).toBe(200);
    const set = r.headers['set-cookie'] as string;
    expect(set).toMatch(/^hookline_session=[\w-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200$/);
    expect(r.json()).toMatchObject({ user: { username: 'viewer', globalAdmin: false }, roles: [{ tenant: acme, role: 'viewer' }] });
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('marks the cookie Secure beyond loopback, or when configured', async () => {
    for (const [config, loopback] of [[{}, false], [{ secureCookie: true }, true]] as const) {
      const other = await consoleApp(config, loopback);
      try {
        await other.users.add({ username: 'u', password: PW, roles: [], globalAdmin: true });
        const r = await other.app.inject({ method: 'POST', url: '/console/api/login', headers: json, payload: { username: 'u', password: PW } });
        expect(r.headers['set-cookie']).toMatch(/; Secure$/);
      } finally {
        await other.close();
      }
    }
  });

  it('refuses a wrong password and an unknown user alike, with no cookie', async () => {
    for (const [u, p] of [['viewer', 'wrong password'], ['nobody', PW]]) {
      const r = await login(u as string, p as string);
      expect(r.statusCode).toBe(401);
      expect(r.json()).toEqual({ error: 'wrong username or password' });
      expect(r.headers['set-cookie']).toBeUndefined();
    }
  });

  it('refuses a cross-origin login', async () => {
    expect((await login('viewer', PW, nextAddress(), { origin: 'http://evil.example', host: 'console.local' })).statusCode).toBe(403);
    expect((await login('viewer', PW, nextAddress(), { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await login('viewer', PW, nextAddress(), { origin: 'http://console.local', host: 'console.local', 'sec-fetch-site': 'same-origin' })).statusCode).toBe(200);
  });

  it('answers /me for a session, and 401 without one', async () => {
    const s = await session('viewer');
    const me = await get('/console/api/me', s.cookie);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { username: 'viewer' }, csrfToken: s.csrf });
    expect((await get('/console/api/me', 'hookline_session=' + 'A'.repeat(43))).statusCode).toBe(401);
    expect((await get('/console/api/me', '')).statusCode).toBe(401);
  });

  it('needs the session CSRF token and the same origin to log out', async () => {
    const s = await session('viewer');
    const logout = (headers: Record<string, string>) => c.app.inject({ method: 'POST', url: '/console/api/logout', headers: { cookie: s.cookie, ...headers } });
    expect((await logout({})).statusCode).toBe(403);
    expect((await logout({ 'x-csrf-token': (s.csrf.startsWith('x') ? 'y' : 'x') + s.csrf.slice(1) })).statusCode).toBe(403);
    expect((await logout({ 'x-csrf-token': s.csrf, 'sec-fetch-site': 'same-site' })).statusCode).toBe(403);
    expect((await get('/console/api/me', s.cookie)).statusCode).toBe(200); // none of those ended it
    const out = await logout({ 'x-csrf-token': s.csrf, 'sec-fetch-site': 'same-origin' });
    expect(out.statusCode).toBe(204);
    expect(out.headers['set-cookie']).toMatch(/^hookline_session=; .*Max-Age=0/);
    expect((await get('/console/api/me', s.cookie)).statusCode).toBe(401);
  });

  it('ends the sessions of a disabled user at their next request', async () => {
    const u = await c.users.add({ username: 'leaver', password: PW, roles: [{ tenant: acme, role: 'viewer' }] });
    const s = await session(u.username);
    expect((await get('/console/api/me', s.cookie)).statusCode).toBe(200);
    await c.users.setDisabled('leaver', true);
    expect((await get('/console/api/me', s.cookie)).statusCode).toBe(401);
    expect((await login('leaver', PW)).statusCode).toBe(401);
  });

  it('lists only the tenants the user has a role on (all of them for a global admin), without secrets', async () => {
    const viewer = await get('/console/api/tenants', (await session('viewer')).cookie);
    expect(viewer.json()).toEqual({ items: [{ orgId: acme, name: 'Acme', admission: 'all', keyCount: 2, role: 'viewer' }] });
    const root = await get('/console/api/tenants', (await session('root')).cookie);
    expect(root.json<{ items: { orgId: string; role: string }[] }>().items.map((t) => [t.orgId, t.role])).toEqual([[acme, 'admin'], [globex, 'admin']]);
  });

  it('locks a username after N failures, even for the right password, from any address, until the lock ends', async () => {
    await c.users.add({ username: 'target', password: PW, roles: [] , globalAdmin: true });
    for (let i = 0; i < 3; i++) expect((await login('target', 'guess ' + i)).statusCode).toBe(401);
    const locked = await login('target', PW);
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBe(10);
    expect(locked.headers['set-cookie']).toBeUndefined();
    c.clock.now += 10_000;
    expect((await login('TARGET', PW)).statusCode).toBe(200);
  });

  it('doubles the lock with each failure past the limit', async () => {
    await c.users.add({ username: 'target2', password: PW, roles: [], globalAdmin: true });
    for (let i = 0; i < 3; i++) await login('target2', 'guess');
    c.clock.now += 10_000;
    expect((await login('target2', 'guess')).statusCode).toBe(401); // the 4th failure: 20 s
    expect(Number((await login('target2', PW)).headers['retry-after'])).toBe(20);
    c.clock.now += 20_000;
    expect((await login('target2', PW)).statusCode).toBe(200);
  });

  it('locks an address after N failures across usernames; a success elsewhere does not reset it', async () => {
    const from = nextAddress();
    for (let i = 0; i < 4; i++) expect((await login(`spray${i}`, 'guess', from)).statusCode).toBe(401);
    expect((await login('admin', PW, from)).statusCode).toBe(200);
    expect((await login('spray5', 'guess', from)).statusCode).toBe(401);
    expect((await login('admin', PW, from)).statusCode).toBe(429);
    expect((await login('admin', PW, nextAddress())).statusCode).toBe(200);
  });

  describe('read API with a console session', () => {
    it('accepts a session for a tenant the user has a role on (header or query), viewer as read scope', async () => {
      const s = await session('viewer');
      expect((await get('/api/v1/conversations', s.cookie, { 'x-hookline-tenant': acme })).statusCode).toBe(200);
      expect((await get(`/api/v1/conversations?tenant=${acme}`, s.cookie)).statusCode).toBe(200);
      expect((await get('/api/v1/tokens', s.cookie, { 'x-hookline-tenant': acme })).statusCode).toBe(403);
      const admin = await session('admin');
      expect((await get('/api/v1/tokens', admin.cookie, { 'x-hookline-tenant': acme })).statusCode).toBe(200);
    });

    it('refuses another tenant, a missing tenant, and a dead session', async () => {
      const s = await session('viewer');
      const other = await get('/api/v1/conversations', s.cookie, { 'x-hookline-tenant': globex });
      expect(other.statusCode).toBe(403);
      expect(other.json<{ error: string }>().error).toMatch(/^x-hookline-tenant: this user has no role on tenant/);
      expect((await get('/api/v1/conversations', s.cookie)).statusCode).toBe(400);
      expect((await get('/api/v1/conversations', 'hookline_session=' + 'B'.repeat(43), { 'x-hookline-tenant': acme })).statusCode).toBe(401);
    });

    it('never lets a cookie rescue a bad token, and tokens work as before', async () => {
      const s = await session('root');
      const bad = await get('/api/v1/conversations', s.cookie, { authorization: 'Bearer hlk_' + 'x'.repeat(43), 'x-hookline-tenant': acme });
      expect(bad.statusCode).toBe(401);
      const { secret } = await c.tokens.create(acme, 't', 'read');
      expect((await get('/api/v1/conversations', '', { authorization: `Bearer ${secret}` })).statusCode).toBe(200);
      expect((await get(`/api/v1/conversations?tenant=${globex}`, '', { authorization: `Bearer ${secret}` })).statusCode).toBe(404);
    });
  });
});

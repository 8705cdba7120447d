/**
 * The tenant administration routes through Fastify inject, on SQLite and
 * PostgreSQL: settings read with secrets masked; changes validated by the
 * tenant schema (400 naming the field), stored through TenantStore and live in
 * the server's TenantCache at once; a config file's tenant refused; the
 * Genesys credential test and group search against the emulator; the
 * destination test against a WebSocket server that checks its bearer token;
 * AudioHook keys created (secret once), rotated (old kept) and revoked.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore, keyId, registerRoutes, tenantAdminRoutes } from '../../src/api/index.js';
import { openAppDatabase } from '../../src/app/database.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { SecretBox } from '../../src/platform/crypto/index.js';
import type { Db } from '../../src/platform/db/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { TenantCache, TenantStore, type Tenant } from '../../src/tenants/index.js';
import { bothDatabases } from '../helpers/databases.js';
import { consoleApp, cookieOf, type ConsoleApp } from '../console/fixtures.js';

const TOKEN = 'downstream-token-0123456789';

/** A destination that upgrades only with `Authorization: Bearer TOKEN`. */
async function guardedDestination(): Promise<{ url: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: (info, cb) => cb(info.req.headers.authorization === `Bearer ${TOKEN}`, 401, 'Unauthorized') });
  await new Promise((r) => wss.once('listening', r));
  return { url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`, close: () => new Promise((r) => wss.close(() => r(undefined))) };
}

/** A login host that accepts the connection and never answers: the test must still answer, within its timeout. */
async function silentHost(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r(undefined)));
    },
  };
}

describe('tenant admin routes', () => {
  let emu: RunningEmulator;
  let dest: Awaited<ReturnType<typeof guardedDestination>>;
  let silent: Awaited<ReturnType<typeof silentHost>>;
  const orgId = randomUUID();

  beforeAll(async () => {
    [emu, dest, silent] = await Promise.all([
      startEmulator({ seed: { orgs: [{ id: orgId, name: 'Admin Org', users: [{ name: 'Ann', email: 'ann@example.com' }], groups: [{ name: 'Sales Team', members: ['ann@example.com'] }, { name: 'Support' }] }] } }),
      guardedDestination(),
      silentHost(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([emu?.stop(), dest?.close(), silent?.close()]);
  });

  describe.each(bothDatabases('tenant-admin.db'))('on %s', (_name, url) => {
    let db: Db;
    let store: TenantStore;
    let cache: TenantCache;
    let app: FastifyInstance;
    let admin: Record<string, string>;
    let reader: Record<string, string>;
    let configAdmin: Record<string, string>;
    const configOrg = randomUUID();
    const org = () => emu.seeded[0]!;
    const genesys = () => ({ clientId: org().clients[0]!.clientId, clientSecret: org().clients[0]!.clientSecret, apiUrl: org().apiUrl, loginUrl: org().loginUrl });

    beforeAll(async () => {
      db = await openAppDatabase(url());
      store = new TenantStore(db, new SecretBox(randomBytes(32)));
      cache = new TenantCache(store, createLogger({ level: 'silent' }));
      const tenant = TenantStore.normalize({ orgId, name: 'Admin Org', genesys: genesys(), downstream: [{ url: dest.url, name: 'proc', bearerToken: TOKEN }] });
      await store.upsertTenant(tenant, 'cli');
      await store.applyConfig([{ ...TenantStore.normalize({ orgId: configOrg, name: 'From file' }), apiKeys: [{ key: 'file-key-1', secret: randomBytes(32).toString('base64') }] }], 'config:abcd1234');
      await cache.refresh();
      const tokens = new TokenStore(db);
      app = Fastify();
      registerRoutes(app, tenantAdminRoutes({ store, applied: () => cache.refresh(), timeoutMs: 1500 }), { tokens });
      await app.ready();
      admin = { authorization: `Bearer ${(await tokens.create(orgId, 'admin', 'admin')).secret}` };
      reader = { authorization: `Bearer ${(await tokens.create(orgId, 'reader', 'read')).secret}` };
      configAdmin = { authorization: `Bearer ${(await tokens.create(configOrg, 'admin', 'admin')).secret}` };
    });
    afterAll(async () => {
      await app?.close();
      await db?.close();
    });

    const inject = (o: InjectOptions) => app.inject(o);
    const settings = (payload: unknown, headers = admin) => inject({ method: 'POST', url: '/api/v1/tenant/settings', headers, payload: payload as object });

    it('reads the settings with every secret masked to its last 4 characters', async () => {
      const r = await inject({ url: '/api/v1/tenant', headers: reader });
      expect(r.statusCode).toBe(200);
      const secret = genesys().clientSecret;
      expect(r.body).not.toContain(secret);
      expect(r.body).not.toContain(TOKEN);
      const v = r.json();
      expect(v.genesys.clientSecret).toBe(`…${secret.slice(-4)}`);
      expect(v.downstream[0].bearerToken).toBe(`…${TOKEN.slice(-4)}`);
      expect(v).toMatchObject({ orgId, source: 'cli', editable: true, admission: 'all' });
    });

    it('stores a change through TenantStore, keeps an empty secret, and the running cache has it at once', async () => {
      const groupId = org().groups[0]!.id;
      const r = await settings({
        genesys: { ...genesys(), clientSecret: '' },
        monitoredGroupId: groupId,
        admission: 'monitored-group',
        gateTimeoutSeconds: 42,
        onGateTimeout: 'keep-paused',
        downstream: [{ url: dest.url, name: 'proc', bearerToken: '', from: 0, channels: 'agent' }],
      });
      expect(r.statusCode, r.body).toBe(200);
      const stored = (await store.getTenant(orgId)) as Tenant;
      expect(stored.genesys?.clientSecret).toBe(genesys().clientSecret);
      expect(stored.downstream[0]).toMatchObject({ bearerToken: TOKEN, channels: 'agent' });
      expect(await store.sourceOf(orgId)).toBe('api');
      expect(cache.tenant(orgId)).toMatchObject({ admission: 'monitored-group', gateTimeoutSeconds: 42, onGateTimeout: 'keep-paused', monitoredGroupId: groupId });
    });

    it('answers 400 naming the field and why', async () => {
      const bad = async (payload: unknown, field: string) => {
        const r = await settings(payload);
        expect(r.statusCode, r.body).toBe(400);
        expect(r.json().error).toContain(field);
      };
      await bad({ gateTimeoutSeconds: -1 }, 'body.gateTimeoutSeconds');
      await bad({ downstream: [{ url: 'http://example.com/x' }] }, 'body.downstream.0.url: must be a ws:// or wss:// URL');
      await bad({ admission: 'sometimes' }, 'body.admission');
      await bad({ genesys: { clientId: 'x', apiUrl: 'not a url' } }, 'body.genesys.apiUrl');
      await bad({ genesys: null, admission: 'monitored-group' }, 'body.genesys: required when admission is monitored-group');
      await bad({ monitoredGroupId: null, admission: 'monitored-group' }, 'body.monitoredGroupId');
      // Nothing of the refused changes was stored.
      expect((await store.getTenant(orgId))?.gateTimeoutSeconds).toBe(42);
    });

    it('reads and replaces the guidance rules; a bad rule is refused naming its field; null removes them', async () => {
      expect((await inject({ url: '/api/v1/tenant', headers: reader })).json().guidance).toBeNull();
      const guidance = { enabled: true, transcripts: false, rules: [{ name: 'long-silence', kind: 'silence', minSeconds: 5 }, { name: 'churn', kind: 'phrase', phrases: ['cancel my contract'] }] };
      const r = await settings({ guidance });
      expect(r.statusCode, r.body).toBe(200);
      const want = { ...guidance, rules: [guidance.rules[0], { ...guidance.rules[1], party: 'any' }] };
      expect(r.json().guidance).toEqual(want);
      expect(cache.tenant(orgId)?.guidance).toEqual(want);
      expect((await inject({ url: '/api/v1/tenant', headers: reader })).json().guidance).toEqual(want);
      const bad = await settings({ guidance: { rules: [{ name: 'x', kind: 'silence', minSeconds: 5 }, { name: 'x', kind: 'overtalk', minSeconds: 1 }] } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toContain('guidance.rules.1.name');
      expect(cache.tenant(orgId)?.guidance).toEqual(want);
      expect((await settings({ guidance: null })).statusCode).toBe(200);
      expect(cache.tenant(orgId)?.guidance).toBeUndefined();
    });

    it('takes a settings body of many destinations, larger than the other routes\' 4 KiB', async () => {
      const first = { url: dest.url, name: 'proc', bearerToken: '', from: 0, channels: 'agent' };
      const many = Array.from({ length: 19 }, (_, i) => ({ url: `wss://processor-${i}.example.com/a/rather/long/path/for/the/stream`, name: `processor number ${i}`, header: { name: 'x-processor-key', value: 'k'.repeat(64) } }));
      const body = { downstream: [first, ...many] };
      expect(JSON.stringify(body).length).toBeGreaterThan(4096);
      expect((await settings(body)).statusCode).toBe(200);
      expect(cache.tenant(orgId)?.downstream).toHaveLength(20);
      expect((await settings({ downstream: [first] })).statusCode).toBe(200);
    });

    it('refuses a read token and a config file\'s tenant', async () => {
      expect((await settings({ gateTimeoutSeconds: 5 }, reader)).statusCode).toBe(403);
      const r = await settings({ gateTimeoutSeconds: 5 }, configAdmin);
      expect(r.statusCode).toBe(403);
      expect(r.json().error).toContain('configuration file');
      expect((await inject({ url: '/api/v1/tenant', headers: configAdmin })).json()).toMatchObject({ editable: false });
      const [fileKey] = (await inject({ url: '/api/v1/tenant/audiohook-keys', headers: configAdmin })).json().items;
      const revoke = await inject({ method: 'POST', url: `/api/v1/tenant/audiohook-keys/${fileKey.id}/revoke`, headers: configAdmin });
      expect(revoke.statusCode).toBe(403);
      expect(cache.lookup('file-key-1')).toBeDefined();
    });

    it('tests Genesys credentials: ok, the Genesys error for a wrong secret, and a timeout', async () => {
      const test = (payload: unknown) => inject({ method: 'POST', url: '/api/v1/tenant/genesys/test', headers: admin, payload: payload as object });
      expect((await test({})).json()).toMatchObject({ ok: true, error: null });
      const wrong = (await test({ genesys: { ...genesys(), clientSecret: 'wrong-secret' } })).json();
      expect(wrong.ok).toBe(false);
      expect(wrong.error).toContain('invalid_client');
      const hung = (await test({ genesys: { ...genesys(), loginUrl: silent.url } })).json();
      expect(hung.ok).toBe(false);
      expect(hung.error).toMatch(/timeout|abort/i);
    });

    it('searches the org\'s groups by part of the name, any case', async () => {
      const r = await inject({ url: '/api/v1/tenant/genesys/groups?q=SAL', headers: reader });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toEqual({ items: [{ id: org().groups[0]!.id, name: 'Sales Team', memberCount: 1 }], truncated: false });
      expect((await inject({ url: '/api/v1/tenant/genesys/groups', headers: reader })).json().items.map((g: { name: string }) => g.name)).toEqual(['Sales Team', 'Support']);
    });

    it('answers 502 with the reason when Genesys does not answer the group search (not the caller\'s mistake)', async () => {
      expect((await settings({ genesys: { ...genesys(), loginUrl: silent.url } })).statusCode).toBe(200);
      try {
        const r = await inject({ url: '/api/v1/tenant/genesys/groups?q=sal', headers: reader });
        expect(r.statusCode, r.body).toBe(502);
        expect(r.json().error).toMatch(/^genesys: the group search failed: .*(timeout|abort)/i);
      } finally {
        expect((await settings({ genesys: genesys() })).statusCode).toBe(200);
      }
    });

    it('tests a destination with its stored or given token', async () => {
      const test = (destination: unknown) => inject({ method: 'POST', url: '/api/v1/tenant/downstream/test', headers: admin, payload: { destination } });
      expect((await test({ url: dest.url, bearerToken: '', from: 0 })).json()).toMatchObject({ ok: true });
      const wrong = (await test({ url: dest.url, bearerToken: 'not-the-token' })).json();
      expect(wrong).toMatchObject({ ok: false });
      expect(wrong.error).toContain('401');
      expect((await test({ url: 'ws://127.0.0.1:1' })).json().ok).toBe(false);
    });

    it('creates a key (secret once), rotates it keeping the old one, revokes it', async () => {
      const keys = '/api/v1/tenant/audiohook-keys';
      const created = await inject({ method: 'POST', url: keys, headers: admin, payload: { label: 'genesys' } });
      expect(created.statusCode, created.body).toBe(200);
      const k = created.json();
      expect(Buffer.from(k.secret, 'base64')).toHaveLength(32);
      expect(cache.lookup(k.apiKey)?.secret.toString('base64')).toBe(k.secret);
      const list = await inject({ url: keys, headers: reader });
      expect(list.body).not.toContain(k.apiKey);
      expect(list.body).not.toContain(k.secret);
      expect(list.json().items).toEqual([expect.objectContaining({ id: keyId(k.apiKey), apiKey: `…${k.apiKey.slice(-4)}`, label: 'genesys', signed: true, source: 'api' })]);

      const rotated = (await inject({ method: 'POST', url: `${keys}/${k.id}/rotate`, headers: admin })).json();
      expect(rotated).toMatchObject({ replaces: k.id, label: 'genesys (rotated)' });
      expect(cache.lookup(rotated.apiKey)).toBeDefined();
      expect(cache.lookup(k.apiKey)).toBeDefined(); // live calls and Genesys's integration keep working until revoked

      expect((await inject({ method: 'POST', url: `${keys}/${k.id}/revoke`, headers: reader })).statusCode).toBe(403);
      expect((await inject({ method: 'POST', url: `${keys}/${k.id}/revoke`, headers: admin })).json()).toEqual({ revoked: true });
      expect(cache.lookup(k.apiKey)).toBeUndefined();
      expect(cache.lookup(rotated.apiKey)).toBeDefined();
      expect((await inject({ method: 'POST', url: `${keys}/${k.id}/revoke`, headers: admin })).statusCode).toBe(404);
      // Another tenant's key is not found, not revoked.
      expect((await inject({ method: 'POST', url: `${keys}/${keyId('file-key-1')}/revoke`, headers: admin })).statusCode).toBe(404);
    });
  });
});

describe('tenant admin routes with console sessions', () => {
  const PW = 'tenant admin session password';
  let c: ConsoleApp;
  let store: TenantStore;
  let A: string;

  beforeAll(async () => {
    c = await consoleApp({}, true, (db) => {
      store = new TenantStore(db, new SecretBox(randomBytes(32)));
      return tenantAdminRoutes({ store, applied: async () => undefined });
    });
    A = c.tenants[0]!.orgId;
    await store.upsertTenant(TenantStore.normalize({ orgId: A, name: 'Acme' }), 'cli');
    await c.users.add({ username: 'viewer', password: PW, roles: [{ tenant: A, role: 'viewer' }] });
    await c.users.add({ username: 'admin', password: PW, roles: [{ tenant: A, role: 'admin' }] });
  });
  afterAll(() => c?.close());

  let address = 0;
  const session = async (username: string) => {
    const r = await c.app.inject({ method: 'POST', url: '/console/api/login', payload: { username, password: PW }, remoteAddress: `10.2.0.${++address}` });
    expect(r.statusCode).toBe(200);
    return { cookie: `hookline_session=${cookieOf(r.headers['set-cookie'])}`, csrf: r.json<{ csrfToken: string }>().csrfToken };
  };
  const post = (headers: Record<string, string>, url = '/api/v1/tenant/audiohook-keys') => c.app.inject({ method: 'POST', url: `${url}?tenant=${A}`, headers, payload: {} });

  it('a viewer reads but cannot create a key; an admin needs the CSRF token', async () => {
    const v = await session('viewer');
    expect((await c.app.inject({ url: `/api/v1/tenant?tenant=${A}`, headers: { cookie: v.cookie } })).statusCode).toBe(200);
    expect((await post({ cookie: v.cookie, 'x-csrf-token': v.csrf, 'sec-fetch-site': 'same-origin' })).statusCode).toBe(403);
    const a = await session('admin');
    expect((await post({ cookie: a.cookie, 'sec-fetch-site': 'same-origin' })).statusCode).toBe(403);
    expect((await post({ cookie: a.cookie, 'x-csrf-token': a.csrf, 'sec-fetch-site': 'same-origin' })).statusCode).toBe(200);
    expect(await store.listApiKeys(A)).toHaveLength(1);
  });
});

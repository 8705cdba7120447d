/**
 * OAuth client credentials over a loopback login host: caching, refresh at
 * 85 %, single-flight refresh, 401 → one refresh → retry, typed failures, and
 * no secret ever in the logs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGenesysClient, GenesysApiError, GenesysAuthError, REGION_HOSTS, resolveEndpoints } from '../../../src/genesys/index.js';
import { startFake, type FakeGenesys } from '../helpers/fake-genesys.js';
import { captureLogs } from '../../helpers/log-capture.js';
import { AutoTime } from '../helpers/virtual-time.js';

let time: AutoTime;
let fake: FakeGenesys;
const logs = captureLogs();

beforeEach(async () => {
  time = new AutoTime();
  fake = await startFake(time);
  fake.on('GET', '/api/v2/users/:id', (req) => ({ id: (req.params as Record<string, string>)['*']?.split('/').pop(), name: 'Alice' }));
});
afterEach(() => fake.close());

const client = (over: Record<string, unknown> = {}) =>
  createGenesysClient(fake.config(over), { clock: time, sleep: time.sleep, fetch: time.fetch, logger: logs.logger, random: () => 0.5 });

describe('endpoints', () => {
  it('derives api and login hosts for every known region', () => {
    for (const env of Object.values(REGION_HOSTS)) {
      expect(resolveEndpoints({ clientId: 'a', clientSecret: 'b', region: env })).toEqual({ apiBase: `https://api.${env}`, tokenUrl: `https://login.${env}/oauth/token` });
    }
  });

  it('honours the emulator override contract', () => {
    const base = { clientId: 'a', clientSecret: 'b', region: 'usw2.pure.cloud' };
    expect(resolveEndpoints({ ...base, apiUrl: 'http://localhost:8787/r/usw2.pure.cloud/' })).toEqual({
      apiBase: 'http://localhost:8787/r/usw2.pure.cloud',
      tokenUrl: 'http://localhost:8787/r/usw2.pure.cloud/login/oauth/token',
    });
    expect(resolveEndpoints({ ...base, apiUrl: 'http://e:1', loginUrl: 'http://l:2/x' }).tokenUrl).toBe('http://l:2/x/oauth/token');
    expect(() => resolveEndpoints({ ...base, region: 'not a host' })).toThrow(/environment host/);
  });

  it('sends the token request to loginUrl when set', async () => {
    await client({ loginUrl: `${fake.url}/auth` }).users.get('u1');
    expect(fake.tokenRequests).toBe(1);
  });
});

describe('token lifecycle', () => {
  it('caches the token across calls', async () => {
    const gc = client();
    for (let i = 0; i < 5; i++) await gc.users.get(`u${i}`);
    expect(fake.tokenRequests).toBe(1);
    expect(new Set(fake.requests.map((r) => r.token))).toEqual(new Set(['tok-1']));
  });

  it('refreshes at 85 % of expires_in, before the token expires', async () => {
    fake.tokenLifetimeSec = 100;
    const gc = client();
    await gc.users.get('a');
    time.t += 84_000;
    await gc.users.get('b');
    time.t += 2_000; // 86 s: refresh due, old token still valid
    await gc.users.get('c');
    expect(fake.requests.map((r) => r.token)).toEqual(['tok-1', 'tok-1', 'tok-2']);
    expect(fake.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('makes one token request for many concurrent callers', async () => {
    const gc = client();
    const release = fake.holdTokens();
    const calls = Array.from({ length: 25 }, (_, i) => gc.users.get(`u${i}`));
    await fake.until(() => fake.tokenRequests >= 1);
    release();
    const users = await Promise.all(calls);
    expect(users).toHaveLength(25);
    expect(fake.tokenRequests).toBe(1);
  });

  it('makes one refresh for many concurrent callers when the token is due', async () => {
    fake.tokenLifetimeSec = 100;
    const gc = client();
    await gc.users.get('warm');
    time.t += 90_000;
    const release = fake.holdTokens();
    const calls = Array.from({ length: 10 }, (_, i) => gc.users.get(`u${i}`));
    await fake.until(() => fake.tokenRequests >= 2);
    release();
    await Promise.all(calls);
    expect(fake.tokenRequests).toBe(2);
    expect(fake.requests.slice(1).every((r) => r.token === 'tok-2')).toBe(true);
  });

  it('on 401 refreshes once and retries the call', async () => {
    const gc = client();
    await gc.users.get('a');
    fake.revoke('tok-1');
    await expect(gc.users.get('b')).resolves.toMatchObject({ name: 'Alice' });
    expect(fake.requests.map((r) => r.token)).toEqual(['tok-1', 'tok-1', 'tok-2']);
  });

  it('shares one refresh between concurrent calls that all got 401', async () => {
    const gc = client();
    await gc.users.get('a');
    fake.revoke('tok-1');
    await Promise.all(Array.from({ length: 10 }, (_, i) => gc.users.get(`u${i}`)));
    expect(fake.tokenRequests).toBe(2);
  });

  it('does not loop on a persistent 401: one refresh, then a typed error', async () => {
    const gc = client();
    fake.on('GET', '/api/v2/groups/:id', (_req, reply) => reply.code(401).send({ message: 'Invalid login credentials.', code: 'bad.credentials', status: 401 }));
    const err = await gc.groups.get('g').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenesysApiError);
    expect(err).toMatchObject({ status: 401, code: 'bad.credentials' });
    expect(fake.calls('GET', '/api/v2/groups')).toHaveLength(2);
    expect(fake.tokenRequests).toBe(2);
  });

  it('rejects bad client credentials with GenesysAuthError carrying the OAuth error', async () => {
    const gc = client({ clientSecret: 'wrong' });
    const err = await gc.users.get('a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenesysAuthError);
    expect(err).toMatchObject({ status: 401, error: 'invalid_client' });
    expect(fake.requests).toHaveLength(0);
  });

  it('never logs the client secret or a token', async () => {
    const own = captureLogs();
    const gc = createGenesysClient(fake.config(), { clock: time, sleep: time.sleep, fetch: time.fetch, logger: own.logger, random: () => 0.5 });
    await gc.users.get('a');
    fake.revoke('tok-1'); // 401 → refresh path logs
    fake.on('GET', '/api/v2/groups/:id', (_req, reply, call) => (call === 1 ? reply.code(503).send({ status: 503 }) : { id: 'g' }));
    await gc.groups.get('g'); // retry path logs
    await createGenesysClient(fake.config({ clientSecret: 'wrong-secret' }), { clock: time, sleep: time.sleep, logger: own.logger }).users.get('x').catch(() => undefined);
    const text = own.text();
    expect(text).toContain('refreshing the token');
    expect(text).toContain('will be retried');
    expect(text).not.toContain(fake.clientSecret);
    expect(text).not.toMatch(/tok-\d/);
    expect(text).not.toContain('wrong-secret');
    expect(text).not.toContain(Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64'));
  });
});

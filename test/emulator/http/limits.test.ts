/**
 * Rate limiting (headers on every response, 429 with Retry-After, per-org and
 * per-route limits, refill on the virtual clock) and every kind of injected
 * fault.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator, SeededOrg } from '../../../src/emulator/index.js';
import { api, emulator, login, type Json } from '../helpers.js';

let emu: RunningEmulator;
let org: SeededOrg;
let slow: SeededOrg;

beforeAll(async () => {
  emu = await emulator({
    speed: 0,
    seed: { orgs: [{ name: 'Limits', users: [{ name: 'Alice' }] }, { name: 'Slow', users: [{ name: 'Sam' }], rateLimit: { allowed: 5 } }] },
  });
  [org, slow] = emu.seeded as [SeededOrg, SeededOrg];
});
afterAll(() => emu.stop());
beforeEach(async () => {
  await emu.control.clearFaults();
  await emu.control.resetRateLimits();
});

describe('rate limits', () => {
  it('reports inin-ratelimit-* on every API response, errors included', async () => {
    const token = await login(org);
    const counts: number[] = [];
    for (const path of ['/api/v2/users', '/api/v2/groups', '/api/v2/users/nope']) {
      const res = await api(org, token, 'GET', path);
      expect(res.headers.get('inin-ratelimit-allowed')).toBe('300');
      expect(Number(res.headers.get('inin-ratelimit-reset'))).toBeGreaterThan(0);
      counts.push(Number(res.headers.get('inin-ratelimit-count')));
    }
    expect(counts).toEqual([1, 2, 3]);
  });

  it('refuses the request over the limit with 429, Retry-After and the Genesys body; refills with time', async () => {
    const token = await login(slow);
    for (let i = 0; i < 5; i++) expect((await api(slow, token, 'GET', '/api/v2/users')).status).toBe(200);
    const refused = await api(slow, token, 'GET', '/api/v2/users');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('12');
    expect(refused.headers.get('inin-ratelimit-allowed')).toBe('5');
    expect(refused.body).toMatchObject({ status: 429, code: 'too.many.requests.retry.after', message: 'Rate limit exceeded the maximum [5] requests within [60] seconds' });
    await emu.control.advance(12_000);
    expect((await api(slow, token, 'GET', '/api/v2/users')).status).toBe(200);
    expect((await api(slow, token, 'GET', '/api/v2/users')).status).toBe(429);
  });

  it('limits per token: a fresh token has its own budget', async () => {
    const a = await login(slow);
    for (let i = 0; i < 5; i++) await api(slow, a, 'GET', '/api/v2/users');
    expect((await api(slow, a, 'GET', '/api/v2/users')).status).toBe(429);
    expect((await api(slow, await login(slow), 'GET', '/api/v2/users')).status).toBe(200);
  });

  it('a route can have its own, lower limit', async () => {
    await emu.control.patchSettings({ rateLimit: { routes: [{ route: 'GET /api/v2/groups', allowed: 2 }] } });
    const token = await login(org);
    expect((await api(org, token, 'GET', '/api/v2/groups')).headers.get('inin-ratelimit-allowed')).toBe('2');
    await api(org, token, 'GET', '/api/v2/groups');
    expect((await api(org, token, 'GET', '/api/v2/groups')).status).toBe(429);
    expect((await api(org, token, 'GET', '/api/v2/users')).status).toBe(200);
    await emu.control.patchSettings({ rateLimit: { routes: [] } });
  });
});

describe('fault injection', () => {
  it('5xx for the next N matching requests, as an ErrorBody', async () => {
    const token = await login(org);
    await emu.control.addFault({ route: 'GET /api/v2/users', kind: 'status', status: 503, count: 2 });
    const a = await api(org, token, 'GET', '/api/v2/users');
    expect(a.status).toBe(503);
    expect(a.body).toMatchObject({ status: 503, code: 'service.unavailable' });
    expect((await api(org, token, 'GET', '/api/v2/groups')).status).toBe(200);
    expect((await api(org, token, 'GET', '/api/v2/users')).status).toBe(503);
    expect((await api(org, token, 'GET', '/api/v2/users')).status).toBe(200);
    for (const status of [500, 502, 504] as const) {
      await emu.control.addFault({ route: '/api/v2/users/*', kind: 'status', status, count: 1 });
      expect((await api(org, token, 'GET', `/api/v2/users/${org.users[0]?.id}`)).status).toBe(status);
    }
  });

  it('adds latency before answering', async () => {
    const token = await login(org);
    await emu.control.addFault({ route: 'GET /api/v2/groups', kind: 'latency', latencyMs: 300, count: 1 });
    const t0 = performance.now();
    const res = await api(org, token, 'GET', '/api/v2/groups');
    expect(res.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    const applied = await emu.control.happenings({ kind: 'fault.applied' });
    expect(applied.at(-1)).toMatchObject({ route: 'GET /api/v2/groups', kinds: ['latency'] });
  });

  it('resets the connection without an answer', async () => {
    const token = await login(org);
    await emu.control.addFault({ route: 'GET /api/v2/users', kind: 'reset', count: 1 });
    await expect(api(org, token, 'GET', '/api/v2/users')).rejects.toThrow();
    expect((await api(org, token, 'GET', '/api/v2/users')).status).toBe(200);
  });

  it('sends malformed JSON with a 200', async () => {
    const token = await login(org);
    await emu.control.addFault({ route: 'GET /api/v2/users', kind: 'malformed', count: 1 });
    const res = await api(org, token, 'GET', '/api/v2/users');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(() => JSON.parse(res.text)).toThrow();
  });

  it('applies by probability (seeded), by org, and to the login endpoint too', async () => {
    const token = await login(org);
    await emu.control.addFault({ route: 'GET /api/v2/users', kind: 'status', status: 500, probability: 0 });
    expect((await api(org, token, 'GET', '/api/v2/users')).status).toBe(200);
    await emu.control.clearFaults();
    await emu.control.addFault({ route: 'GET /api/v2/users', kind: 'status', status: 500, probability: 1, orgId: slow.orgId });
    expect((await api(org, token, 'GET', '/api/v2/users')).status).toBe(200);
    expect((await api(slow, await login(slow), 'GET', '/api/v2/users')).status).toBe(500);
    await emu.control.addFault({ route: 'POST /login/oauth/token', kind: 'status', status: 503, count: 1 });
    await expect(login(org)).rejects.toThrow('503');
    expect(await login(org)).toEqual(expect.any(String));
  });

  it('rejects nonsense fault specs', async () => {
    await expect(emu.control.addFault({ kind: 'status', status: 418 as never })).rejects.toThrow('400');
    await expect(emu.control.addFault({ kind: 'status', count: 1, probability: 0.5 })).rejects.toThrow('count or probability');
    const list = (await emu.control.faults()) as unknown as Json[];
    expect(list).toEqual([]);
  });
});

/**
 * The request policy against scripted misbehaviour on a loopback API host:
 * 429 storms and budgets, 5xx bursts, connection resets, malformed JSON,
 * typed errors. Virtual time: no test waits for real seconds.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGenesysClient, GenesysApiError, GenesysNetworkError, GenesysResponseFormatError, type GenesysClientOptions } from '../../../src/genesys/index.js';
import { startFake, type FakeGenesys } from '../helpers/fake-genesys.js';
import { AutoTime } from '../helpers/virtual-time.js';

let time: AutoTime;
let fake: FakeGenesys;

beforeEach(async () => {
  time = new AutoTime();
  fake = await startFake(time);
  fake.on('GET', '/api/v2/users/:id', () => ({ id: 'u', name: 'Alice' }));
});
afterEach(() => fake.close());

const client = (o: Partial<GenesysClientOptions> = {}) =>
  createGenesysClient(fake.config(), { clock: time, sleep: time.sleep, fetch: time.fetch, random: () => 0.5, ...o });

/** The most requests that arrived within any window of `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] as number) - (sorted[j] as number) >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

const reset = (req: FastifyRequest, reply: FastifyReply) => {
  req.raw.socket.destroy();
  return reply.hijack();
};

const apiTimes = () => fake.calls('GET', '/api/v2/users').map((r) => r.at);

describe('rate limits', () => {
  it('keeps a configured budget: no window ever holds more, and nothing is rejected', async () => {
    fake.enforceBudget({ allowed: 10, windowMs: 60_000, hint: 'retry-after' });
    const gc = client({ rateLimit: { budget: 10 } });
    const t0 = time.now();
    const users = await Promise.all(Array.from({ length: 45 }, (_, i) => gc.users.get(`u${i}`)));
    expect(users).toHaveLength(45);
    expect(fake.rejected429).toBe(0);
    expect(maxInWindow(apiTimes(), 60_000)).toBe(10);
    // 45 requests at 10/min need four full windows of waiting, not more.
    expect(time.now() - t0).toBe(4 * 60_000);
  });

  it('learns the budget from inin-ratelimit-allowed when none is configured', async () => {
    fake.enforceBudget({ allowed: 5, windowMs: 60_000, hint: 'retry-after' });
    const gc = client();
    for (let i = 0; i < 17; i++) await gc.users.get(`u${i}`);
    expect(fake.rejected429).toBe(0);
    expect(maxInWindow(apiTimes(), 60_000)).toBe(5);
  });

  it('survives a 429 storm: honours Retry-After for every caller and fails nothing', async () => {
    // Every request in the first 3 storms is refused; the API asks for 7 s each time.
    let storms = 0;
    fake.on('GET', '/api/v2/groups/:id', (_req, reply) => {
      if (storms < 3) {
        storms++;
        return reply.code(429).header('retry-after', '7').send({ message: 'Rate limit exceeded', code: 'too.many.requests.retry.after', status: 429 });
      }
      return { id: 'g' };
    });
    const gc = client();
    const groups = await Promise.all(Array.from({ length: 20 }, () => gc.groups.get('g')));
    expect(groups.every((g) => g.id === 'g')).toBe(true);
    const arrivals = fake.calls('GET', '/api/v2/groups');
    expect(arrivals).toHaveLength(23);
    // After each refusal nobody — not just the refused call — came back within 7 s.
    const refusedAt = arrivals.slice(0, 3).map((r) => r.at);
    for (const t of refusedAt) {
      expect(arrivals.filter((r) => r.at > t && r.at < t + 7000)).toEqual([]);
    }
  });

  it('falls back to inin-ratelimit-reset, then to exponential backoff', async () => {
    let call = 0;
    fake.on('GET', '/api/v2/groups/:id', (_req, reply) => {
      call++;
      if (call === 1) return reply.code(429).header('inin-ratelimit-reset', '11').send({ status: 429 });
      if (call <= 4) return reply.code(429).send({ status: 429 });
      return { id: 'g' };
    });
    const start = time.now();
    await client().groups.get('g');
    const at = fake.calls('GET', '/api/v2/groups').map((r) => r.at - start);
    // reset 11 s; then backoff (1 s base, doubling per 429 so far, jitter 0.5): 1.5, 3, 6 s.
    expect(at).toEqual([0, 11_000, 12_500, 15_500, 21_500]);
  });

  it('retries a 429 even for a non-idempotent POST (it was refused before doing anything)', async () => {
    fake.on('POST', '/api/v2/integrations', (_req, reply, call) => (call === 1 ? reply.code(429).header('retry-after', '1').send({ status: 429 }) : { id: 'i1' }));
    await expect(client().integrations.create({ name: 'x', integrationType: 'audiohook' })).resolves.toMatchObject({ id: 'i1' });
  });

  it('gives up after maxRateLimitRetries with a typed error carrying retryAfterMs', async () => {
    fake.on('GET', '/api/v2/groups/:id', (_req, reply) => reply.code(429).header('retry-after', '2').send({ message: 'slow down', code: 'too.many.requests', status: 429, contextId: 'ctx-1' }));
    const err = await client({ retry: { maxRateLimitRetries: 3 } }).groups.get('g').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenesysApiError);
    expect(err).toMatchObject({ status: 429, code: 'too.many.requests', contextId: 'ctx-1', retryAfterMs: 2000 });
    expect(fake.calls('GET', '/api/v2/groups')).toHaveLength(4);
  });
});

describe('server errors and broken connections', () => {
  it('retries a burst of 503s with growing backoff and succeeds', async () => {
    fake.on('GET', '/api/v2/groups/:id', (_req, reply, call) => (call <= 3 ? reply.code(503).send({ status: 503 }) : { id: 'g' }));
    await expect(client().groups.get('g')).resolves.toMatchObject({ id: 'g' });
    expect(time.sleeps).toEqual([375, 750, 1500]);
  });

  it.each([502, 504])('retries %i on an idempotent PUT', async (status) => {
    fake.on('PUT', '/api/v2/notifications/channels/:id/subscriptions', (_req, reply, call) => (call === 1 ? reply.code(status).send({}) : { entities: [{ id: 't', state: 'Permitted' }] }));
    await expect(client().notifications.setSubscriptions('c', ['t'])).resolves.toEqual([{ id: 't', state: 'Permitted' }]);
  });

  it('retries 500 on a GET but not on a POST', async () => {
    fake.on('GET', '/api/v2/groups/:id', (_req, reply, call) => (call === 1 ? reply.code(500).send({ status: 500 }) : { id: 'g' }));
    await expect(client().groups.get('g')).resolves.toMatchObject({ id: 'g' });
    fake.on('POST', '/api/v2/integrations', (_req, reply) => reply.code(500).send({ message: 'boom', code: 'internal.server.error', status: 500 }));
    await expect(client().integrations.create({ name: 'x', integrationType: 'audiohook' })).rejects.toMatchObject({ status: 500 });
    expect(fake.calls('POST', '/api/v2/integrations')).toHaveLength(1);
  });

  it('does not repeat a non-idempotent POST on 503', async () => {
    fake.on('POST', '/api/v2/integrations', (_req, reply) => reply.code(503).send({ status: 503 }));
    await expect(client().integrations.create({ name: 'x', integrationType: 'audiohook' })).rejects.toBeInstanceOf(GenesysApiError);
    expect(fake.calls('POST', '/api/v2/integrations')).toHaveLength(1);
  });

  it('stops after maxRetries with the ErrorBody and correlation id', async () => {
    fake.on('GET', '/api/v2/groups/:id', (_req, reply) => reply.code(503).send({ message: 'unavailable', code: 'service.unavailable', status: 503, contextId: 'c-9' }));
    const err = (await client().groups.get('g').catch((e: unknown) => e)) as GenesysApiError;
    expect(err).toBeInstanceOf(GenesysApiError);
    expect(err).toMatchObject({ status: 503, code: 'service.unavailable', contextId: 'c-9', body: { message: 'unavailable' } });
    expect(err.correlationId).toMatch(/^corr-/);
    expect(err.request).toEqual({ method: 'GET', path: '/api/v2/groups/g' });
    expect(fake.calls('GET', '/api/v2/groups')).toHaveLength(5);
  });

  it('retries connection resets on reads', async () => {
    fake.on('GET', '/api/v2/groups/:id', (req, reply, call) => (call <= 2 ? reset(req, reply) : { id: 'g' }));
    await expect(client().groups.get('g')).resolves.toMatchObject({ id: 'g' });
    expect(fake.calls('GET', '/api/v2/groups')).toHaveLength(3);
  });

  it('raises GenesysNetworkError when resets persist, and never repeats a reset POST', async () => {
    fake.on('GET', '/api/v2/groups/:id', reset);
    await expect(client().groups.get('g')).rejects.toBeInstanceOf(GenesysNetworkError);
    expect(fake.calls('GET', '/api/v2/groups')).toHaveLength(5);
    fake.on('POST', '/api/v2/integrations', reset);
    await expect(client().integrations.create({ name: 'x', integrationType: 'audiohook' })).rejects.toBeInstanceOf(GenesysNetworkError);
    expect(fake.calls('POST', '/api/v2/integrations')).toHaveLength(1);
  });

  it('retries a malformed JSON body once', async () => {
    fake.on('GET', '/api/v2/groups/:id', (_req, reply, call) => (call === 1 ? reply.type('application/json').send('{"id": "g", "na') : { id: 'g' }));
    await expect(client().groups.get('g')).resolves.toMatchObject({ id: 'g' });
    expect(fake.calls('GET', '/api/v2/groups')).toHaveLength(2);
  });

  it('raises GenesysResponseFormatError when the body stays malformed', async () => {
    fake.on('GET', '/api/v2/groups/:id', (_req, reply) => reply.type('application/json').send('<html>proxy error</html>'));
    const err = await client().groups.get('g').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenesysResponseFormatError);
    expect(err).toMatchObject({ status: 200, snippet: '<html>proxy error</html>' });
    expect(fake.calls('GET', '/api/v2/groups')).toHaveLength(2);
  });

  it('does not retry a 4xx and types it', async () => {
    const err = await client().groups.get('missing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenesysApiError);
    expect(err).toMatchObject({ status: 404, code: 'not.found' });
    expect(fake.calls('GET', '/api/v2/groups')).toHaveLength(1);
  });
});

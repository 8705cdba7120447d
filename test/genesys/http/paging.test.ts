/**
 * Paging over loopback: entity listings (nextUri and pageCount), analytics
 * details queries with shifting pages, async-job cursors, multi-get.
 */
import { describe, expect, it } from 'vitest';
import { AnalyticsJobError, detailsQuery, PagingLimitError, type ConversationQuery } from '../../../src/genesys/index.js';
import { query as requestQuery, useFakeGenesys } from '../helpers/use-fake.js';

const fx = useFakeGenesys();
const client = fx.client;
const q = requestQuery;

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** A server-side entity listing over `items`, in the Genesys envelope. */
function listing(base: string, items: { id: string }[], pageSize: number, pageNumber: number, withUris = true) {
  const pageCount = Math.ceil(items.length / pageSize);
  const uri = (n: number) => `${base}?pageSize=${pageSize}&pageNumber=${n}`;
  return {
    entities: items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
    pageSize,
    pageNumber,
    total: items.length,
    pageCount,
    ...(withUris ? { selfUri: uri(pageNumber), firstUri: uri(1), lastUri: uri(pageCount) } : {}),
    ...(withUris && pageNumber < pageCount ? { nextUri: uri(pageNumber + 1) } : {}),
  };
}

const people = Array.from({ length: 57 }, (_, i) => ({ id: `user-${i}`, name: `User ${i}` }));

describe('entity listings', () => {
  it('follows nextUri through every page and normalises missing arrays', async () => {
    fx.fake.on('GET', '/api/v2/groups/:id/members', (req) => listing('/api/v2/groups/g1/members', people, Number(q(req).pageSize), Number(q(req).pageNumber)));
    const users = await all(client().groups.members('g1', { pageSize: 25, expand: ['groups'] }));
    expect(users.map((u) => u.id)).toEqual(people.map((p) => p.id));
    expect(users[0]).toMatchObject({ groups: [], addresses: [], primaryContactInfo: [] });
    const calls = fx.fake.calls('GET', '/api/v2/groups/g1/members');
    expect(calls.map((c) => c.query.pageNumber)).toEqual(['1', '2', '3']);
    expect(calls[0]?.query).toMatchObject({ pageSize: '25', expand: 'groups' });
  });

  it('falls back to pageNumber < pageCount when a listing has no nextUri', async () => {
    fx.fake.on('GET', '/api/v2/users', (req) => listing('/api/v2/users', people, Number(q(req).pageSize), Number(q(req).pageNumber), false));
    expect((await all(client().users.list({ pageSize: 20 }))).length).toBe(57);
    expect(fx.fake.calls('GET', '/api/v2/users').map((c) => c.query.pageNumber)).toEqual(['1', '2', '3']);
  });

  it('sends bulk ids as repeated keys and stops on a repeated nextUri', async () => {
    fx.fake.on('GET', '/api/v2/users', () => ({ entities: [{ id: 'a' }], nextUri: '/api/v2/users?pageNumber=2' }));
    const users = await all(client().users.list({ ids: ['a', 'b'] }));
    expect(users).toHaveLength(2); // page 1, then page 2 (same nextUri again → stop)
    expect(fx.fake.requests[0]?.search).toContain('id=a&id=b');
  });

  it('resolves an absolute nextUri against the API base, so the token never leaves it', async () => {
    fx.fake.on('GET', '/api/v2/groups', (req) =>
      q(req).pageNumber === '1' ? { entities: [{ id: 'g1' }], nextUri: 'https://elsewhere.example/api/v2/groups?pageNumber=2' } : { entities: [{ id: 'g2' }] },
    );
    expect((await all(client().groups.list())).map((g) => g.id)).toEqual(['g1', 'g2']);
    expect(fx.fake.calls('GET', '/api/v2/groups').map((c) => c.query.pageNumber)).toEqual(['1', '2']);
  });

  it('paginate() is an escape hatch for any listing', async () => {
    fx.fake.on('GET', '/api/v2/routing/wrapupcodes', (req) => listing('/api/v2/routing/wrapupcodes', people.slice(0, 5), Number(q(req).pageSize), Number(q(req).pageNumber)));
    expect(await all(client().paginate<{ id: string }>('/api/v2/routing/wrapupcodes', {}, { pageSize: 2 }))).toHaveLength(5);
  });
});

const conv = (id: string) => ({ conversationId: id, conversationStart: '2024-05-01T10:00:00.000Z', participants: [{ participantId: 'p', purpose: 'agent', sessions: [{ sessionId: 's', segments: [{ segmentStart: 'x' }] }] }] });

describe('analytics details', () => {
  const query: ConversationQuery = detailsQuery({
    from: new Date('2024-05-01T00:00:00Z'),
    to: new Date('2024-05-02T00:00:00Z'),
    userIds: ['u1', 'u2'],
    mediaType: 'voice',
  });

  it('builds the interval, conversationEnd-exists and segment filters', () => {
    expect(query).toEqual({
      interval: '2024-05-01T00:00:00.000Z/2024-05-02T00:00:00.000Z',
      order: 'asc',
      orderBy: 'conversationStart',
      conversationFilters: [{ type: 'and', predicates: [{ type: 'dimension', dimension: 'conversationEnd', operator: 'exists' }] }],
      segmentFilters: [
        {
          type: 'and',
          clauses: [{ type: 'or', predicates: ['u1', 'u2'].map((value) => ({ type: 'dimension', dimension: 'userId', operator: 'matches', value })) }],
          predicates: [{ type: 'dimension', dimension: 'mediaType', operator: 'matches', value: 'voice' }],
        },
      ],
    });
    expect(() => detailsQuery({ from: new Date(1000), to: new Date(1000) })).toThrow(RangeError);
  });

  it('pages a query, dedupes conversations that shifted to the next page, and stops at totalHits', async () => {
    // 7 conversations, pageSize 3. Between page 1 and 2 a new conversation sorts in front,
    // so c3 appears again at the top of page 2.
    const before = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'];
    const after = ['c0', ...before];
    fx.fake.on('POST', '/api/v2/analytics/conversations/details/query', (req) => {
      const { paging } = req.body as { paging: { pageNumber: number; pageSize: number } };
      const ids = paging.pageNumber === 1 ? before : after;
      const start = (paging.pageNumber - 1) * paging.pageSize;
      return { conversations: ids.slice(start, start + paging.pageSize).map(conv), totalHits: ids.length };
    });
    const got = await all(client().analytics.query(query, { pageSize: 3 }));
    expect(got.map((c) => c.conversationId)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
    const bodies = fx.fake.calls('POST', '/api/v2/analytics/conversations/details/query').map((r) => r.body as Record<string, unknown>);
    expect(bodies.map((b) => b.paging)).toEqual([1, 2, 3].map((pageNumber) => ({ pageSize: 3, pageNumber })));
    expect(bodies[0]).toMatchObject({ interval: query.interval, segmentFilters: query.segmentFilters });
    expect(got[0]?.participants[0]?.sessions[0]).toMatchObject({ metrics: [], segments: [{ wrapUpTags: [], sipResponseCodes: [] }] });
    expect(got[0]).toMatchObject({ evaluations: [], surveys: [], divisionIds: [] });
  });

  it('treats an empty result without a conversations key as empty', async () => {
    fx.fake.on('POST', '/api/v2/analytics/conversations/details/query', () => ({ totalHits: 0 }));
    expect(await all(client().analytics.query(query))).toEqual([]);
  });

  it('refuses to silently truncate beyond 10,000 records', async () => {
    fx.fake.on('POST', '/api/v2/analytics/conversations/details/query', () => ({ conversations: [conv('c1')], totalHits: 12_000 }));
    await expect(all(client().analytics.query(query))).rejects.toBeInstanceOf(PagingLimitError);
  });

  it('returns null for a conversation not indexed yet, and multi-gets in chunks', async () => {
    fx.fake.on('GET', '/api/v2/analytics/conversations/:id/details', (req, reply) =>
      (req.params as Record<string, string>)['*']?.includes('ready') ? conv('ready') : reply.code(404).send({ code: 'not.found', status: 404 }),
    );
    const gc = client();
    expect(await gc.analytics.conversation('pending')).toBeNull();
    expect(await gc.analytics.conversation('ready')).toMatchObject({ conversationId: 'ready', participants: [{ participantId: 'p' }] });
    fx.fake.on('GET', '/api/v2/analytics/conversations/details', (req) => ({ conversations: q(req).id?.split(',').map(conv) }));
    const ids = Array.from({ length: 150 }, (_, i) => `c${i}`);
    expect((await gc.analytics.conversations(ids)).map((c) => c.conversationId)).toEqual(ids);
    expect(fx.fake.calls('GET', '/api/v2/analytics/conversations/details').map((r) => r.query.id?.split(',').length)).toEqual([100, 50]);
  });
});

describe('analytics async jobs', () => {
  it('submits, waits for FULFILLED with backoff, and follows the results cursor', async () => {
    fx.fake.on('POST', '/api/v2/analytics/conversations/details/jobs', (_req, reply) => reply.code(202).send({ jobId: 'job-1' }));
    fx.fake.on('GET', '/api/v2/analytics/conversations/details/jobs/:id', (_req, _reply, call) => ({ state: call < 3 ? (call === 1 ? 'QUEUED' : 'PENDING') : 'FULFILLED', submissionDate: 'x', expirationDate: 'y' }));
    const pages: Record<string, { conversations?: unknown[]; cursor?: string }> = {
      start: { conversations: [conv('a'), conv('b')], cursor: 'k1' },
      k1: { conversations: [conv('c')], cursor: 'k2' },
      k2: { conversations: [] },
    };
    fx.fake.on('GET', '/api/v2/analytics/conversations/details/jobs/:id/results', (req) => ({ ...pages[q(req).cursor ?? 'start'], dataAvailabilityDate: '2024-05-01T00:00:00.000Z' }));
    fx.fake.on('GET', '/api/v2/analytics/conversations/details/jobs/availability', () => ({ dataAvailabilityDate: '2024-05-01T00:00:00.000Z' }));
    const gc = client();
    const jobs = gc.analytics.jobs;
    const jobId = await jobs.submit({ interval: query().interval });
    expect(jobId).toBe('job-1');
    await expect(jobs.waitFor(jobId)).resolves.toMatchObject({ state: 'FULFILLED' });
    expect(fx.time.sleeps).toEqual([1500, 3000]);
    expect((await all(jobs.results(jobId, { pageSize: 2 }))).map((c) => c.conversationId)).toEqual(['a', 'b', 'c']);
    const cursors = fx.fake.calls('GET', '/api/v2/analytics/conversations/details/jobs/job-1/results').map((r) => r.query);
    expect(cursors).toEqual([{ pageSize: '2' }, { pageSize: '2', cursor: 'k1' }, { pageSize: '2', cursor: 'k2' }]);
    expect(await jobs.availability()).toEqual({ dataAvailabilityDate: '2024-05-01T00:00:00.000Z' });
  });

  it('surfaces FAILED as AnalyticsJobError and cancels with DELETE', async () => {
    fx.fake.on('GET', '/api/v2/analytics/conversations/details/jobs/:id', () => ({ state: 'FAILED', errorMessage: 'too big' }));
    fx.fake.on('DELETE', '/api/v2/analytics/conversations/details/jobs/:id', (_req, reply) => reply.code(204).send());
    const jobs = client().analytics.jobs;
    await expect(jobs.waitFor('j')).rejects.toEqual(new AnalyticsJobError('j', 'FAILED', 'too big'));
    await jobs.cancel('j');
    expect(fx.fake.calls('DELETE', '/api/v2/analytics/conversations/details/jobs/j')).toHaveLength(1);
  });
});

function query() {
  return detailsQuery({ from: new Date('2024-05-01T00:00:00Z'), to: new Date('2024-05-02T00:00:00Z') });
}

/**
 * Analytics details: the availability lag, records that keep changing after
 * conversationEnd (ACW, evaluations, surveys), and the synchronous query —
 * interval semantics, filters, ordering, paging and Genesys' limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallSummary, RunningEmulator, SeededOrg } from '../../../src/emulator/index.js';
import { api, emulator, login, type Json } from '../helpers.js';

let emu: RunningEmulator;
let org: SeededOrg;
let token: string;
const LAG = 30_000;
const SHORT = { ivrMs: 1000, queueMs: 1000, alertMs: 1000, talkMs: 20_000, acwMs: 10_000 };

beforeAll(async () => {
  emu = await emulator({
    speed: 0,
    startTime: '2024-05-01T09:00:00.000Z',
    seed: {
      orgs: [
        {
          name: 'Analytics',
          users: [{ name: 'Alice' }, { name: 'Bob' }],
          queues: [{ name: 'Sales' }, { name: 'Support' }],
          wrapupCodes: [{ name: 'Sold' }, { name: 'Fixed' }],
        },
      ],
    },
  });
  org = emu.seeded[0] as SeededOrg;
  token = await login(org);
});
afterAll(() => emu.stop());

const at = async (iso: string) => emu.control.advance(Date.parse(iso) - (await emu.control.clock()).now);
const details = (cid: string) => api(org, token, 'GET', `/api/v2/analytics/conversations/${cid}/details`);
const query = (body: Json) => api(org, token, 'POST', '/api/v2/analytics/conversations/details/query', body);
/** The afternoon of the query tests: leaves out the first tests' morning calls and the late-night call. */
const two = <T>(xs: T[]): [T, T] => {
  if (xs.length < 2) throw new Error('need two');
  return [xs[0] as T, xs[1] as T];
};
const DAY = '2024-05-01T11:00:00.000Z/2024-05-01T23:00:00.000Z';

describe('availability and mutability', () => {
  it('404 until the availability lag has passed, then the in-progress record', async () => {
    const call = await emu.control.startCall(org.orgId, { durations: SHORT });
    expect((await details(call.conversationId)).status).toBe(404);
    await emu.control.advance(LAG - 1);
    expect((await details(call.conversationId)).status).toBe(404);
    await emu.control.advance(1);
    const rec = await details(call.conversationId);
    expect(rec.status).toBe(200);
    expect(rec.body).toMatchObject({ conversationId: call.conversationId, conversationStart: call.start, originatingDirection: 'inbound' });
    expect((rec.body as Json).conversationEnd).toBeUndefined();
    const multi = await api(org, token, 'GET', `/api/v2/analytics/conversations/details?id=${call.conversationId},00000000-0000-4000-8000-000000000000`);
    expect(((multi.body as Json).conversations as Json[]).map((c) => c.conversationId)).toEqual([call.conversationId]);
  });

  it('the record changes after conversationEnd: wrap-up arrives later, evaluations and surveys later still', async () => {
    const call = await emu.control.startCall(org.orgId, { durations: SHORT, wrapupNotes: 'sold a plan' });
    const agent = call.participants.find((p) => p.purpose === 'agent') as CallSummary['participants'][number];
    const now = (await emu.control.clock()).now;
    await emu.control.advance(call.endMs + LAG - now);
    let rec = (await details(call.conversationId)).body as Json;
    const agentSession = (r: Json) => (((r.participants as Json[]).find((p) => p.purpose === 'agent') as Json).sessions as Json[])[0] as Json;
    expect(rec.conversationEnd).toBe(call.end);
    let wrap = (agentSession(rec).segments as Json[]).find((s) => s.segmentType === 'wrapup') as Json;
    expect(wrap.segmentEnd).toBeUndefined();
    expect(wrap.wrapUpCode).toBeUndefined();
    expect((agentSession(rec).metrics as Json[]).map((m) => m.name)).not.toContain('tAcw');

    await emu.control.advance((agent.wrapup?.endMs ?? 0) - call.endMs);
    rec = (await details(call.conversationId)).body as Json;
    wrap = (agentSession(rec).segments as Json[]).find((s) => s.segmentType === 'wrapup') as Json;
    expect(wrap).toMatchObject({ wrapUpCode: agent.wrapup?.code, wrapUpNote: 'sold a plan', segmentEnd: new Date(agent.wrapup?.endMs ?? 0).toISOString() });
    expect(agentSession(rec).metrics).toEqual(expect.arrayContaining([{ name: 'tAcw', value: SHORT.acwMs, emitDate: wrap.segmentEnd }]));
    expect(rec.evaluations).toBeUndefined();

    const evaluation = await emu.control.addEvaluation(call.conversationId, { evaluatorId: 'e1', userId: agent.userId, evaluationStatus: 'Finished', oTotalScore: 87 });
    await emu.control.addSurvey(call.conversationId, { surveyFormName: 'CSAT', surveyPromoterScore: 9 });
    expect(((await details(call.conversationId)).body as Json).evaluations).toBeUndefined(); // not indexed yet
    await emu.control.advance(LAG);
    rec = (await details(call.conversationId)).body as Json;
    expect(rec.evaluations).toEqual([evaluation]);
    expect(rec.surveys).toEqual([expect.objectContaining({ surveyFormName: 'CSAT', surveyPromoterScore: 9, surveyId: expect.any(String) })]);
  });
});

describe('POST …/details/query', () => {
  let alice: CallSummary;
  let bob: CallSummary;
  let abandoned: CallSummary;
  let running: CallSummary;
  let lateNight: CallSummary;

  beforeAll(async () => {
    const [a, b] = two(org.users);
    const [sales, support] = two(org.queues);
    const [sold, fixed] = two(org.wrapupCodes);
    await at('2024-05-01T12:00:00.000Z');
    alice = await emu.control.startCall(org.orgId, { agentIds: [a.id], queueId: sales.id, wrapupCodeId: sold.id, durations: SHORT });
    await emu.control.advance(60_000);
    bob = await emu.control.startCall(org.orgId, { agentIds: [b.id], queueId: support.id, wrapupCodeId: fixed.id, durations: SHORT });
    await emu.control.advance(60_000);
    abandoned = await emu.control.startCall(org.orgId, { scenario: 'abandon', queueId: sales.id, durations: SHORT });
    await emu.control.advance(60_000);
    running = await emu.control.startCall(org.orgId, { agentIds: [a.id], queueId: support.id, durations: { ...SHORT, talkMs: 20 * 3_600_000 } });
    await at('2024-05-01T23:59:00.000Z');
    lateNight = await emu.control.startCall(org.orgId, { agentIds: [b.id], queueId: support.id, durations: { ...SHORT, talkMs: 300_000 } });
    await at('2024-05-02T00:20:00.000Z');
  });

  const ids = (res: { body: unknown }) => (((res.body as Json).conversations ?? []) as Json[]).map((c) => c.conversationId);
  const ended = { type: 'and', predicates: [{ dimension: 'conversationEnd', operator: 'exists' }] };
  const seg = (dimension: string, value: string) => ({ type: 'and', predicates: [{ dimension, value }] });

  it('conversationEnd exists leaves out calls still in progress', async () => {
    const all = await query({ interval: DAY, paging: { pageSize: 100 } });
    expect(ids(all)).toEqual(expect.arrayContaining([alice.conversationId, bob.conversationId, abandoned.conversationId, running.conversationId]));
    const done = await query({ interval: DAY, conversationFilters: [ended], paging: { pageSize: 100 } });
    expect(ids(done)).not.toContain(running.conversationId);
    expect(ids(done)).toEqual(expect.arrayContaining([alice.conversationId, bob.conversationId, abandoned.conversationId]));
  });

  it('filters on segment dimensions, with and/or and clauses', async () => {
    const [a, b] = two(org.users);
    const [sales, support] = two(org.queues);
    const [, fixed] = two(org.wrapupCodes);
    const byAlice = await query({ interval: DAY, conversationFilters: [ended], segmentFilters: [seg('userId', a.id)] });
    expect(ids(byAlice)).toContain(alice.conversationId);
    expect(ids(byAlice)).not.toContain(bob.conversationId);
    const either = await query({ interval: DAY, conversationFilters: [ended], segmentFilters: [{ type: 'or', clauses: [{ type: 'or', predicates: [{ dimension: 'userId', value: a.id }, { dimension: 'userId', value: b.id }] }] }] });
    expect(ids(either)).toEqual(expect.arrayContaining([alice.conversationId, bob.conversationId]));
    expect(ids(either)).not.toContain(abandoned.conversationId);
    const supportFixed = await query({ interval: DAY, segmentFilters: [{ type: 'and', predicates: [{ dimension: 'queueId', value: support.id }, { dimension: 'wrapUpCode', value: fixed.id }] }] });
    expect(ids(supportFixed)).toEqual([bob.conversationId]);
    const salesAcd = await query({ interval: DAY, segmentFilters: [{ type: 'and', predicates: [{ dimension: 'purpose', value: 'acd' }, { dimension: 'queueId', value: sales.id }, { dimension: 'segmentType', value: 'interact' }] }] });
    expect(ids(salesAcd).sort()).toEqual([alice.conversationId, abandoned.conversationId].sort());
    const voice = await query({ interval: DAY, segmentFilters: [{ type: 'and', predicates: [{ dimension: 'mediaType', value: 'voice' }, { dimension: 'direction', value: 'inbound' }] }] });
    expect((voice.body as Json).totalHits).toBe(4);
    const chat = await query({ interval: DAY, segmentFilters: [seg('mediaType', 'chat')] });
    expect(chat.body).toEqual({ totalHits: 0 });
  });

  it('orders and pages with totalHits', async () => {
    const desc = await query({ interval: DAY, order: 'desc', orderBy: 'conversationStart', paging: { pageSize: 2, pageNumber: 1 } });
    expect((desc.body as Json).totalHits).toBe(4);
    expect(ids(desc)).toEqual([running.conversationId, abandoned.conversationId]);
    const page2 = await query({ interval: DAY, order: 'desc', paging: { pageSize: 2, pageNumber: 2 } });
    expect(ids(page2)).toEqual([bob.conversationId, alice.conversationId]);
    const asc = await query({ interval: DAY, orderBy: 'conversationEnd', paging: { pageSize: 100 } });
    expect(ids(asc).at(-1)).toBe(running.conversationId); // no end yet: last
  });

  it('sync intervals only include conversations that started on a day the interval touches', async () => {
    const afterMidnight = '2024-05-02T00:00:00.000Z/2024-05-02T00:10:00.000Z';
    expect(ids(await query({ interval: afterMidnight }))).toEqual([]);
    const touching = await query({ interval: '2024-05-01T23:00:00.000Z/2024-05-02T00:10:00.000Z' });
    expect(ids(touching)).toContain(lateNight.conversationId);
    const before = await query({ interval: '2024-05-01T10:00:00.000Z/2024-05-01T11:00:00.000Z' });
    expect(ids(before)).not.toContain(alice.conversationId);
  });

  it('enforces the limits with 400s that say why', async () => {
    const cases: [Json, string][] = [
      [{ interval: DAY, paging: { pageSize: 101 } }, 'pageSize'],
      [{ interval: '2024-05-01T00:00:00.000Z/2024-05-09T00:00:00.000Z' }, '7 days'],
      [{ interval: DAY, paging: { pageSize: 100, pageNumber: 101 } }, '10000'],
      [{ interval: 'yesterday' }, 'interval'],
      [{ interval: DAY, segmentFilters: [seg('flavour', 'x')] }, 'flavour'],
      [{ interval: DAY, aggregations: [{ type: 'termFrequency', dimension: 'wrapUpCode' }] }, 'aggregations'],
      [{ interval: DAY, bogus: 1 }, 'bogus'],
    ];
    for (const [body, word] of cases) {
      const res = await query(body);
      expect(res.status, word).toBe(400);
      expect(String((res.body as Json).message)).toContain(word);
    }
    expect((await query({ interval: DAY, paging: { pageSize: 100, pageNumber: 100 } })).status).toBe(200);
  });
});

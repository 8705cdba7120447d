/**
 * Async details jobs: QUEUED → PENDING → FULFILLED on the virtual clock,
 * cursor-paged results cut at the data-lake watermark, cancel, forced
 * FAILED/EXPIRED, the availability endpoint and topic, and the limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallSummary, RunningEmulator, SeededOrg } from '../../../src/emulator/index.js';
import { api, channelWith, emulator, login, until, type Json } from '../helpers.js';

let emu: RunningEmulator;
let org: SeededOrg;
let token: string;
const calls: CallSummary[] = [];
const SHORT = { ivrMs: 1000, queueMs: 1000, alertMs: 1000, talkMs: 20_000, acwMs: 5_000 };
const BASE = '/api/v2/analytics/conversations/details/jobs';
const INTERVAL = '2024-05-01T00:00:00.000Z/2024-05-02T00:00:00.000Z';

beforeAll(async () => {
  emu = await emulator({
    speed: 0,
    startTime: '2024-05-01T10:00:00.000Z',
    settings: { jobs: { queuedMs: 1000, pendingMs: 2000, dataLakeLagMs: 600_000, watermarkStepMs: 300_000 } },
    seed: { orgs: [{ name: 'Jobs', users: [{ name: 'Alice' }, { name: 'Bob' }] }] },
  });
  org = emu.seeded[0] as SeededOrg;
  token = await login(org);
  // Five calls a minute apart from 10:00, then one at 10:40 (after the watermark the job will see).
  for (let i = 0; i < 5; i++) {
    calls.push(await emu.control.startCall(org.orgId, { durations: SHORT }));
    await emu.control.advance(60_000);
  }
  await emu.control.advance(Date.parse('2024-05-01T10:40:00.000Z') - (await emu.control.clock()).now);
  calls.push(await emu.control.startCall(org.orgId, { durations: SHORT }));
  await emu.control.advance(Date.parse('2024-05-01T10:45:00.000Z') - (await emu.control.clock()).now);
});
afterAll(() => emu.stop());

const submit = async (body: Json = { interval: INTERVAL }) => {
  const res = await api(org, token, 'POST', BASE, body);
  expect(res.status).toBe(202);
  return (res.body as { jobId: string }).jobId;
};
const status = async (id: string) => (await api(org, token, 'GET', `${BASE}/${id}`)).body as Json;

describe('details jobs', () => {
  it('moves QUEUED → PENDING → FULFILLED on the virtual clock', async () => {
    const id = await submit();
    expect(await status(id)).toMatchObject({ state: 'QUEUED', submissionDate: '2024-05-01T10:45:00.000Z', expirationDate: expect.any(String) });
    await emu.control.advance(1000);
    expect((await status(id)).state).toBe('PENDING');
    expect((await api(org, token, 'GET', `${BASE}/${id}/results`)).status).toBe(400);
    await emu.control.advance(2000);
    expect(await status(id)).toMatchObject({ state: 'FULFILLED', completionDate: '2024-05-01T10:45:03.000Z' });
  });

  it('pages results with a cursor until it is absent, and stops at the watermark', async () => {
    const id = await submit();
    await emu.control.advance(3000);
    const seen: Json[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await api(org, token, 'GET', `${BASE}/${id}/results?pageSize=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      const body = res.body as Json;
      expect(body.dataAvailabilityDate).toBe('2024-05-01T10:35:00.000Z');
      seen.push(...(body.conversations as Json[]));
      cursor = body.cursor as string | undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((c) => c.conversationId)).toEqual(calls.slice(0, 5).map((c) => c.conversationId));
    expect(seen.every((c) => (c.participants as Json[]).every((p) => typeof p.attributes === 'object'))).toBe(true);
    expect((await api(org, token, 'GET', `${BASE}/${id}/results?cursor=garbage`)).status).toBe(400);
    expect((await api(org, token, 'GET', `${BASE}/${id}/results?pageSize=1001`)).status).toBe(400);
  });

  it('applies filters, limit and startOfDayIntervalMatching', async () => {
    const alice = org.users[0]?.id as string;
    const id = await submit({ interval: INTERVAL, segmentFilters: [{ type: 'and', predicates: [{ dimension: 'userId', value: alice }] }], limit: 2, order: 'desc' });
    await emu.control.advance(3000);
    const body = (await api(org, token, 'GET', `${BASE}/${id}/results`)).body as Json;
    const got = (body.conversations as Json[]).map((c) => c.conversationId);
    expect(got).toHaveLength(2);
    const aliceCalls = calls.slice(0, 5).filter((c) => c.participants.some((p) => p.userId === alice)).map((c) => c.conversationId);
    expect(got).toEqual(aliceCalls.reverse().slice(0, 2));
    expect(body.cursor).toBeUndefined();
  });

  it('DELETE cancels; the control API forces FAILED and EXPIRED', async () => {
    const a = await submit();
    expect((await api(org, token, 'DELETE', `${BASE}/${a}`)).status).toBe(204);
    expect((await status(a)).state).toBe('CANCELLED');
    const b = await submit();
    await emu.control.failJob(b, 'data lake unavailable');
    expect(await status(b)).toMatchObject({ state: 'FAILED', errorMessage: 'data lake unavailable' });
    const c = await submit();
    await emu.control.advance(3000);
    await emu.control.expireJob(c);
    expect((await status(c)).state).toBe('EXPIRED');
    expect((await api(org, token, 'GET', `${BASE}/${c}/results`)).status).toBe(400);
    expect((await api(org, token, 'GET', `${BASE}/no-such-job`)).status).toBe(404);
  });

  it('limits concurrent jobs when configured', async () => {
    await emu.control.patchSettings({ jobs: { maxConcurrent: 1 } });
    await submit();
    const second = await api(org, token, 'POST', BASE, { interval: INTERVAL });
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('5');
    await emu.control.advance(3000);
    await submit();
    await emu.control.patchSettings({ jobs: { maxConcurrent: 0 } });
  });

  it('rejects a malformed job with a clear 400', async () => {
    const res = await api(org, token, 'POST', BASE, { interval: INTERVAL, paging: { pageSize: 5 } });
    expect(res.status).toBe(400);
    expect(String((res.body as Json).message)).toContain('paging');
  });
});

describe('data availability', () => {
  it('reports the watermark and announces each move on the availability topic', async () => {
    const body = (await api(org, token, 'GET', `${BASE}/availability`)).body as Json;
    const now = (await emu.control.clock()).now;
    const expected = Math.floor((now - 600_000) / 300_000) * 300_000;
    expect(body).toEqual({ dataAvailabilityDate: new Date(expected).toISOString() });
    const topic = 'v2.analytics.conversations.details.jobs.availability';
    const { listener } = await channelWith(org, token, [topic]);
    await emu.control.advance(expected + 300_000 + 600_000 - now);
    const e = await until(() => listener.events(topic)[0], 2000, 'availability event');
    expect(e.eventBody).toEqual({ dataAvailabilityDate: new Date(expected + 300_000).toISOString() });
    listener.close();
  });
});

/**
 * The three views of a call — user-topic snapshots, detail events, the
 * analytics record — plus the recording must agree on participants, agent ids
 * and times, for every scenario. Everything is read the way a client would:
 * notifications over a real WebSocket, analytics and recordings over HTTP.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallSummary, RunningEmulator, SeededOrg } from '../../src/emulator/index.js';
import { api, channelWith, emulator, login, until, type Json } from './helpers.js';

let emu: RunningEmulator;
let org: SeededOrg;
let token: string;

const DETAIL = ['customer.start', 'customer.end', 'flow.start', 'flow.end', 'acd.start', 'acd.end', 'user.start', 'user.end', 'acw', 'wrapup'];
const ms = (iso: unknown) => Date.parse(String(iso));

beforeAll(async () => {
  emu = await emulator({
    speed: 0,
    settings: { analytics: { availabilityLagMs: 1000 }, recordings: { transcodeDelayMs: 1000 } },
    seed: { orgs: [{ name: 'Views', users: [{ name: 'Alice Agent' }, { name: 'Bob Agent' }], queues: [{ name: 'Support' }], wrapupCodes: [{ name: 'Resolved' }] }] },
  });
  org = emu.seeded[0] as SeededOrg;
  token = await login(org);
});
afterAll(() => emu.stop());

interface Views {
  call: CallSummary;
  snapshots: Json[];
  generic: Json[];
  details: { suffix: string; body: Json }[];
  record: Json;
  recordings: Json[];
}

async function runScenario(scenario: string): Promise<Views> {
  const agents = org.users.map((u) => u.id);
  const call = await emu.control.startCall(org.orgId, { scenario: scenario as never, agentIds: scenario === 'abandon' ? [] : agents.slice(0, scenario.endsWith('transfer') ? 2 : 1), delayMs: 1000, wrapupNotes: 'noted' });
  const cid = call.conversationId;
  const topics = [...agents.flatMap((a) => [`v2.users.${a}.conversations.calls`, `v2.users.${a}.conversations`]), ...DETAIL.map((d) => `v2.detail.events.conversation.${cid}.${d}`)];
  const { listener } = await channelWith(org, token, topics);
  const now = (await emu.control.clock()).now;
  await emu.control.advance(call.finalMs - now + 2000);
  const expectedDetails = call.participants.reduce((n, p) => n + (p.purpose === 'agent' ? 4 : 2), 0);
  await until(() => listener.events('v2.detail.events').length >= expectedDetails, 3000, 'detail events');
  await sleep(50);
  listener.close();
  const record = await api(org, token, 'GET', `/api/v2/analytics/conversations/${cid}/details`);
  expect(record.status).toBe(200);
  const recordings = await api(org, token, 'GET', `/api/v2/conversations/${cid}/recordings?formatId=WAV_ULAW&maxWaitMs=0`);
  expect(recordings.status).toBe(200);
  return {
    call,
    snapshots: listener.events('v2.users.').filter((e) => String(e.topicName).endsWith('.calls')).map((e) => e.eventBody as Json),
    generic: listener.events('v2.users.').filter((e) => String(e.topicName).endsWith('.conversations')).map((e) => e.eventBody as Json),
    details: listener.events('v2.detail.events').map((e) => ({ suffix: String(e.topicName).split(`${cid}.`)[1] as string, body: e.eventBody as Json })),
    record: record.body as Json,
    recordings: recordings.body as Json[],
  };
}

/** The latest calls-topic facts per participant. */
function lastSeen(snapshots: Json[]): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const s of snapshots) for (const p of s.participants as Json[]) out.set(String(p.id), p);
  return out;
}

function crossCheck(v: Views): void {
  const rec = v.record;
  const parts = rec.participants as Json[];
  const seen = lastSeen(v.snapshots);
  const detailBy = (suffix: string, pid: string) => v.details.find((d) => d.suffix === suffix && d.body.participantId === pid)?.body;

  // Same participants everywhere (agent topics only exist when an agent took part).
  const recIds = parts.map((p) => p.participantId).sort();
  expect(v.call.participants.map((p) => p.participantId).sort()).toEqual(recIds);
  expect([...new Set(v.details.map((d) => d.body.participantId))].sort()).toEqual(recIds);
  if (v.snapshots.length > 0) expect([...seen.keys()].sort()).toEqual(recIds);

  const customer = parts.find((p) => p.purpose === 'customer') as Json;
  const custSegs = (customer.sessions as Json[])[0]?.segments as Json[];
  const custEnd = detailBy('customer.end', String(customer.participantId)) as Json;
  expect(rec.conversationStart).toBe(custSegs[0]?.segmentStart);
  expect(ms(rec.conversationEnd)).toBe(custEnd.eventTime);
  expect(ms(rec.conversationEnd)).toBe(ms(custSegs.at(-1)?.segmentEnd));

  for (const p of parts) {
    const pid = String(p.participantId);
    const session = (p.sessions as Json[])[0] as Json;
    const segs = session.segments as Json[];
    const live = segs.filter((s) => s.segmentType !== 'wrapup');
    const start = ms(live[0]?.segmentStart);
    const end = ms(live.at(-1)?.segmentEnd);
    const kind = p.purpose === 'customer' ? 'customer' : p.purpose === 'ivr' ? 'flow' : p.purpose === 'acd' ? 'acd' : 'user';
    const dStart = detailBy(`${kind}.start`, pid) as Json;
    const dEnd = detailBy(`${kind}.end`, pid) as Json;
    expect(dStart.eventTime, `${pid} start`).toBe(start);
    expect(dEnd.eventTime, `${pid} end`).toBe(end);
    expect(String(dEnd.disconnectType).toLowerCase().replace(/_/g, '')).toBe(lowercase(String(live.at(-1)?.disconnectType)));
    expect(dStart.sessionId).toBe(session.sessionId);
    const snap = seen.get(pid);
    if (snap) {
      expect(ms(snap.startTime)).toBe(start);
      expect(ms(snap.endTime)).toBe(end);
      expect(snap.state).toBe('disconnected');
      expect(snap.purpose).toBe(p.purpose);
      expect(analyticsSpelling(String(snap.disconnectType))).toBe(live.at(-1)?.disconnectType);
    }
    if (p.purpose === 'agent') checkAgent(p, snap, v, detailBy);
  }

  const rows = v.generic.flatMap((g) => g.participants as Json[]);
  for (const r of rows) {
    const p = parts.find((x) => x.participantId === r.id) as Json;
    expect(r.userId).toBe(p.userId);
    expect(((r.calls as Json[])[0] as Json).id).toBe(((p.sessions as Json[])[0] as Json).sessionId);
  }

  const agents = parts.filter((p) => p.purpose === 'agent');
  if (agents.length === 0) {
    expect(v.recordings).toEqual([]);
    return;
  }
  const recording = v.recordings[0] as Json;
  expect(recording).toMatchObject({ conversationId: rec.conversationId, fileState: 'AVAILABLE', startTime: rec.conversationStart, endTime: rec.conversationEnd });
  expect((recording.users as Json[]).map((u) => u.id).sort()).toEqual([...new Set(agents.map((a) => a.userId))].sort());
}

function checkAgent(p: Json, snap: Json | undefined, v: Views, detailBy: (s: string, pid: string) => Json | undefined): void {
  const pid = String(p.participantId);
  const session = (p.sessions as Json[])[0] as Json;
  const segs = session.segments as Json[];
  const metrics = session.metrics as Json[];
  const metric = (name: string) => metrics.filter((m) => m.name === name).reduce((n, m) => n + Number(m.value), 0);
  const wrap = segs.find((s) => s.segmentType === 'wrapup') as Json;
  const acw = detailBy('acw', pid) as Json;
  const userStart = detailBy('user.start', pid) as Json;
  const userEnd = detailBy('user.end', pid) as Json;
  expect(userStart.userId).toBe(p.userId);
  expect(acw.userId).toBe(p.userId);
  expect(acw.wrapupCode).toBe(wrap.wrapUpCode);
  expect(acw.wrapupNotes).toBe(wrap.wrapUpNote);
  expect(acw.eventTime).toBe(ms(wrap.segmentEnd));
  expect(acw.wrapupDurationMs).toBe(metric('tAcw'));
  const held = segs.filter((s) => s.segmentType === 'hold').reduce((n, s) => n + ms(s.segmentEnd) - ms(s.segmentStart), 0);
  expect(userEnd.heldDurationMs).toBe(held);
  expect(metric('tHeld')).toBe(held);
  const talk = segs.filter((s) => s.segmentType === 'interact').reduce((n, s) => n + ms(s.segmentEnd) - ms(s.segmentStart), 0);
  expect(metric('tTalkComplete')).toBe(talk);
  expect(metric('tHandle')).toBe(talk + held + metric('tAcw'));
  const interact = segs.find((s) => s.segmentType === 'interact') as Json;
  expect(userEnd.alertingDurationMs).toBe(ms(interact.segmentStart) - ms(segs[0]?.segmentStart));
  if (!snap) return;
  expect((snap.user as Json).id).toBe(p.userId);
  expect(ms(snap.connectedTime)).toBe(ms(interact.segmentStart));
  expect(snap.startAcwTime).toBe(wrap.segmentStart);
  expect(snap.endAcwTime).toBe(wrap.segmentEnd);
  expect((snap.wrapup as Json).code).toBe(wrap.wrapUpCode);
  expect((snap.wrapup as Json).durationSeconds).toBe(Math.round(metric('tAcw') / 1000));
  const everHeld = v.snapshots.some((s) => (s.participants as Json[]).some((x) => x.id === pid && x.held === true));
  expect(everHeld).toBe(held > 0);
}

/**
 * Held participants carry `startHoldTime` on both user topics (participant-level on `.calls`, in
 * `calls[]` on `.conversations`): the start of the analytics hold segment they are in, and only
 * while held. Every hold an agent's topics could see shows up on both.
 */
function checkHolds(v: Views): void {
  const holdStarts = new Map((v.record.participants as Json[]).map((p) => {
    const segs = ((p.sessions as Json[])[0] as Json).segments as Json[];
    return [String(p.participantId), segs.filter((s) => s.segmentType === 'hold').map((s) => String(s.segmentStart))];
  }));
  const seenOn = (rows: { pid: string; leg: Json }[]): Map<string, Set<string>> => {
    const seen = new Map<string, Set<string>>();
    for (const { pid, leg } of rows) {
      if (!seen.has(pid)) seen.set(pid, new Set());
      if (leg.held !== true) {
        expect(leg.startHoldTime, `${pid} not held`).toBeUndefined();
        continue;
      }
      expect(holdStarts.get(pid), `${pid} held`).toContain(leg.startHoldTime);
      seen.get(pid)?.add(String(leg.startHoldTime));
    }
    return seen;
  };
  const calls = seenOn(v.snapshots.flatMap((s) => (s.participants as Json[]).map((p) => ({ pid: String(p.id), leg: p }))));
  const generic = seenOn(v.generic.flatMap((g) => (g.participants as Json[]).map((p) => ({ pid: String(p.id), leg: (p.calls as Json[])[0] as Json }))));
  for (const seen of [calls, generic]) for (const [pid, starts] of seen) expect([...starts].sort(), pid).toEqual(holdStarts.get(pid));
}

const analyticsSpelling = (d: string) => ({ 'transfer.consult': 'consultTransfer' })[d] ?? d;
const lowercase = (d: string) => d.toLowerCase();

describe('cross-view consistency', () => {
  afterAll(async () => {
    expect(await emu.control.happenings({ kind: 'internal.error' })).toEqual([]);
  });

  for (const scenario of ['inbound', 'hold', 'blind-transfer', 'consult-transfer', 'agent-hangup', 'abandon']) {
    it(`${scenario}: snapshots, detail events, analytics and recording agree`, async () => {
      const v = await runScenario(scenario);
      crossCheck(v);
      checkHolds(v);
      const byPurpose = (purpose: string) => (v.record.participants as Json[]).filter((p) => p.purpose === purpose);
      const acdEnd = v.details.find((d) => d.suffix === 'acd.end')?.body as Json;
      if (scenario === 'abandon') {
        expect(byPurpose('agent')).toEqual([]);
        expect(acdEnd.acdOutcome).toBe('ABANDON');
        expect(v.snapshots).toEqual([]);
        return;
      }
      expect(acdEnd).toMatchObject({ acdOutcome: 'ANSWERED', answeredUserId: org.users[0]?.id });
      const agentTimes = byPurpose('agent').map((a) => ((a.sessions as Json[])[0] as Json).segments as Json[]);
      expect(acdEnd.eventTime).toBe(ms(agentTimes[0]?.find((s) => s.segmentType === 'interact')?.segmentStart));
      const metricsOf = (i: number) => ((byPurpose('agent')[i]?.sessions as Json[])[0] as Json).metrics as Json[];
      if (scenario === 'blind-transfer') expect(metricsOf(0).map((m) => m.name)).toContain('nBlindTransferred');
      if (scenario === 'consult-transfer') {
        expect(metricsOf(0).map((m) => m.name)).toEqual(expect.arrayContaining(['nConsult', 'nConsultTransferred']));
        expect(v.snapshots.some((s) => (s.participants as Json[]).some((p) => p.consultParticipantId !== undefined))).toBe(true);
      }
      if (scenario === 'hold' || scenario === 'consult-transfer') {
        // Not vacuous: both topics showed someone held.
        expect(v.snapshots.some((s) => (s.participants as Json[]).some((p) => p.held === true))).toBe(true);
        expect(v.generic.some((g) => (g.participants as Json[]).some((p) => ((p.calls as Json[])[0] as Json).held === true))).toBe(true);
      }
      if (scenario === 'agent-hangup') {
        expect(v.details.find((d) => d.suffix === 'user.end')?.body.disconnectType).toBe('CLIENT');
        expect(v.details.find((d) => d.suffix === 'customer.end')?.body.disconnectType).toBe('PEER');
      }
    });
  }
});

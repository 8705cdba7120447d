/**
 * The client against the real Genesys Cloud emulator (src/emulator, docs/emulator.md),
 * on its stopped virtual clock: the client's sleeps advance it. Covers token
 * refresh, the request budget and 429s, paging, recording 202 polling,
 * details availability lag, socket_closing handover, hard drop with a gap
 * report, and more than 1,000 topics.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator, type SeededOrg } from '../../src/emulator/index.js';
import {
  createGenesysClient,
  detailsQuery,
  topics,
  type GenesysClientOptions,
  type NotificationsManager,
} from '../../src/genesys/index.js';
import { EmuTime } from './helpers/emulator-time.js';
import { next, whenTrue } from './helpers/manager-events.js';

let emu: RunningEmulator;
let small: SeededOrg;
let big: SeededOrg;

beforeAll(async () => {
  emu = await startEmulator({
    speed: 0,
    idSeed: 'genesys-client',
    seed: {
      orgs: [
        { name: 'Small', generateUsers: 60, groups: [{ name: 'Team', members: Array.from({ length: 30 }, (_, i) => `Agent ${i + 1}`) }], queues: [{ name: 'Support' }], wrapupCodes: [{ name: 'Done' }] },
        { name: 'Big', env: 'mypurecloud.ie', generateUsers: 1200, queues: [{ name: 'Support' }], wrapupCodes: [{ name: 'Done' }] },
      ],
    },
  });
  [small, big] = emu.seeded as [SeededOrg, SeededOrg];
});
afterAll(() => emu.stop());

interface Sent {
  method: string;
  path: string;
  status: number;
  at: number;
  authorization: string | undefined;
}

/** A client on a fresh OAuth client of `org`, its clock the emulator's. */
async function tenant(org: SeededOrg, o: { tokenLifetimeSeconds?: number } & Partial<GenesysClientOptions> = {}) {
  const { tokenLifetimeSeconds, ...options } = o;
  const [c] = await emu.control.addClients(org.orgId, [tokenLifetimeSeconds ? { tokenLifetimeSeconds } : {}]);
  if (!c) throw new Error('no client');
  const time = await EmuTime.of(emu.control);
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const at = time.now();
    const res = await time.fetch(input, init);
    const headers = new Headers(init?.headers);
    sent.push({ method: init?.method ?? 'GET', path: new URL(String(input)).pathname, status: res.status, at, authorization: headers.get('authorization') ?? undefined });
    return res;
  };
  const gc = createGenesysClient(
    // apiUrl only: the client must find the login host at `${apiUrl}/login`, as the emulator serves it.
    { clientId: c.clientId, clientSecret: c.clientSecret, region: org.env, apiUrl: org.apiUrl },
    { clock: time, sleep: time.sleep, fetch, random: () => 0.5, ...options },
  );
  return { gc, time, sent, clientId: c.clientId };
}

const userId = (org: SeededOrg, name: string) => {
  const u = org.users.find((x) => x.name === name);
  if (!u) throw new Error(`no user ${name}`);
  return u.id;
};

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('against the emulator: API', () => {
  it('refreshes the token at 85 % of its lifetime, before it expires', async () => {
    const { gc, time, sent } = await tenant(small, { tokenLifetimeSeconds: 100 });
    await gc.users.get(userId(small, 'Agent 1'));
    await time.advance(84_000);
    await gc.users.get(userId(small, 'Agent 2'));
    await time.advance(2_000);
    await gc.users.get(userId(small, 'Agent 3'));
    expect(small.loginUrl).toBe(`${small.apiUrl}/login`);
    const logins = sent.filter((s) => s.path.endsWith('/oauth/token'));
    const api = sent.filter((s) => s.path.includes('/api/v2/'));
    expect(logins).toHaveLength(2);
    expect(api.map((s) => s.status)).toEqual([200, 200, 200]);
    expect(api[0]?.authorization).toBe(api[1]?.authorization);
    expect(api[2]?.authorization).not.toBe(api[1]?.authorization);
  });

  it('keeps under the budget it learns from inin-ratelimit-allowed: no 429', async () => {
    await emu.control.setOrgSettings(small.orgId, { rateLimit: { allowed: 20 } });
    try {
      const { gc, sent } = await tenant(small);
      await gc.users.get(userId(small, 'Agent 1')); // learns allowed = 20
      const ids = Array.from({ length: 45 }, (_, i) => userId(small, `Agent ${(i % 60) + 1}`));
      const users = await Promise.all(ids.map((id) => gc.users.get(id)));
      expect(users.map((u) => u.id)).toEqual(ids);
      const api = sent.filter((s) => s.path.includes('/api/v2/'));
      expect(api.filter((s) => s.status === 429)).toEqual([]);
      const times = api.map((s) => s.at);
      expect(Math.max(...times.map((t) => times.filter((x) => x >= t && x < t + 60_000).length))).toBeLessThanOrEqual(20);
    } finally {
      await emu.control.setOrgSettings(small.orgId, { rateLimit: null });
    }
  });

  it('rides out 429s on a tighter per-route limit, honouring Retry-After, failing nothing', async () => {
    await emu.control.setOrgSettings(small.orgId, { rateLimit: { allowed: 300, routes: [{ route: 'GET /api/v2/groups/:groupId', allowed: 3 }] } });
    try {
      const { gc, sent } = await tenant(small, { rateLimit: { budget: 300 } });
      const groupId = small.groups[0]?.id as string;
      const groups = await Promise.all(Array.from({ length: 12 }, () => gc.groups.get(groupId)));
      expect(groups.every((g) => g.id === groupId)).toBe(true);
      const api = sent.filter((s) => s.path.endsWith(`/groups/${groupId}`));
      const refused = api.filter((s) => s.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      expect(api.filter((s) => s.status === 200)).toHaveLength(12);
      // After each refusal, no request went out before the server said it could.
      for (const r of refused) expect(api.filter((s) => s.at > r.at && s.at < r.at + 1000)).toEqual([]);
    } finally {
      await emu.control.setOrgSettings(small.orgId, { rateLimit: null });
    }
  });

  it('pages users and group members through nextUri', async () => {
    const { gc } = await tenant(small);
    const users = await all(gc.users.list({ pageSize: 25 }));
    expect(users.map((u) => u.id).sort()).toEqual(small.users.map((u) => u.id).sort());
    const members = await all(gc.groups.members(small.groups[0]?.id as string, { pageSize: 25 }));
    expect(members.map((u) => u.id).sort()).toEqual([...(small.groups[0]?.memberIds ?? [])].sort());
    expect(members).toHaveLength(30);
  });

  it('pages a details query across pages, and sees details only after the availability lag', async () => {
    const { gc, time } = await tenant(small);
    const agents = ['Agent 50', 'Agent 51', 'Agent 52', 'Agent 53', 'Agent 54'].map((n) => userId(small, n));
    const durations = { ivrMs: 1000, queueMs: 1000, alertMs: 1000, talkMs: 5000, acwMs: 2000 };
    const calls = [];
    for (const a of agents) calls.push(await emu.control.startCall(small.orgId, { agentIds: [a], durations }));
    const first = calls[0] as (typeof calls)[0];
    expect(await gc.analytics.conversation(first.conversationId)).toBeNull();
    await time.advance(30_000); // availabilityLagMs: the start is now visible, the end not yet
    const early = await gc.analytics.conversation(first.conversationId);
    expect(early?.conversationId).toBe(first.conversationId);
    await time.advance(Math.max(...calls.map((c) => c.finalMs)) + 30_000 + 60_000 - time.now());
    const final = await gc.analytics.conversation(first.conversationId);
    expect(final?.conversationEnd).toBeDefined();
    const query = detailsQuery({ from: new Date(first.startMs - 60_000), to: new Date(time.now() - 60_000), userIds: agents, mediaType: 'voice' });
    const found = await all(gc.analytics.query(query, { pageSize: 2 }));
    expect(found.map((c) => c.conversationId).sort()).toEqual(calls.map((c) => c.conversationId).sort());
    const agentSession = found[0]?.participants.find((p) => p.purpose === 'agent')?.sessions[0];
    expect(agentSession?.segments.map((s) => s.segmentType)).toContain('wrapup');
  });

  it('polls a recording through 202 until transcoded, then streams its media', async () => {
    const { gc, time, sent } = await tenant(small);
    const call = await emu.control.startCall(small.orgId, { agentIds: [userId(small, 'Agent 55')], durations: { ivrMs: 1000, queueMs: 1000, alertMs: 1000, talkMs: 4000, acwMs: 1000 } });
    await time.advance(call.endMs - time.now());
    const recordings = await gc.recordings.waitForList(call.conversationId, { formatId: 'WAV', maxWaitMs: 0 });
    const polls = sent.filter((s) => s.path.endsWith(`/conversations/${call.conversationId}/recordings`));
    expect(polls.filter((s) => s.status === 202).length).toBeGreaterThan(0);
    expect(polls.at(-1)?.status).toBe(200);
    const rec = recordings[0];
    expect(rec?.id).toBe(call.recordingId);
    const uri = rec?.mediaUris['0']?.mediaUri as string;
    const media = await gc.recordings.download(uri);
    let bytes = 0;
    let head = Buffer.alloc(0);
    for await (const c of media.stream as AsyncIterable<Buffer>) {
      if (head.length < 4) head = Buffer.concat([head, c]).subarray(0, 4);
      bytes += c.length;
    }
    expect(head.toString('latin1')).toBe('RIFF');
    expect(bytes).toBe(media.contentLength);
    const mediaRequest = sent.find((s) => s.path.includes('/media/'));
    expect(mediaRequest?.status).toBe(200);
    expect(mediaRequest?.authorization).toBeUndefined(); // pre-signed: no bearer token
  });
});

/** An independent raw socket on another OAuth client: the ground truth of what was published. */
async function reference(org: SeededOrg, topicList: string[]) {
  const { gc } = await tenant(org);
  const ch = await gc.notifications.create();
  await gc.notifications.setSubscriptions(ch.id, topicList);
  const ws = new WebSocket(ch.connectUri);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { channelId: ch.id, close: () => ws.terminate() };
}

/** Correlation ids the emulator actually sent to a channel, with their virtual send time. */
async function sentTo(channelId: string): Promise<Map<string, number>> {
  const log = await emu.control.notificationLog({ channelId, topicPrefix: 'v2.users.' });
  return new Map(log.map((e) => [e.correlationId, Date.parse(e.at)]));
}

async function managerFor(org: SeededOrg, topicList: string[], o: Partial<GenesysClientOptions> = {}) {
  const t = await tenant(org, o);
  const m = t.gc.notifications.createManager({ topics: topicList, sleep: EmuTime.never });
  const got: string[] = [];
  m.on('conversation', (e) => got.push(e.correlationId as string));
  return { ...t, m, got };
}

describe('against the emulator: notifications', () => {
  const managers: NotificationsManager[] = [];
  afterAll(() => Promise.all(managers.map((m) => m.stop())));

  it('splits more than 1,000 topics over two channels and delivers from both', async () => {
    const topicList = big.users.map((u) => topics.userCalls(u.id));
    expect(topicList.length).toBeGreaterThan(1000);
    const { m, time, clientId } = await managerFor(big, topicList);
    managers.push(m);
    await m.start();
    const mine = (await emu.control.channels()).filter((c) => c.clientId === clientId);
    expect(mine.map((c) => [c.connected, c.topics])).toEqual([
      [true, 1000],
      [true, topicList.length - 1000],
    ]);
    const last = big.users.at(-1)?.id as string;
    const event = next(m, 'conversation', (e) => e.userId === last);
    await emu.control.startCall(big.orgId, { agentIds: [last], durations: { ivrMs: 1000, queueMs: 1000, alertMs: 1000, talkMs: 3000 } });
    await time.advanceInSteps(4000, 1000);
    expect((await event).kind).toBe('calls');
  });

  it('socket_closing: hands over to a new channel with nothing lost and nothing twice', async () => {
    const [a, b] = [userId(small, 'Agent 40'), userId(small, 'Agent 41')];
    const topicList = [a, b].flatMap((u) => [topics.userCalls(u), topics.userConversations(u)]);
    const ref = await reference(small, topicList);
    const { m, got, time } = await managerFor(small, topicList);
    managers.push(m);
    await m.start();
    const call = await emu.control.startCall(small.orgId, {
      scenario: 'blind-transfer',
      agentIds: [a, b],
      durations: { ivrMs: 2000, queueMs: 2000, alertMs: 3000, talkMs: 20_000, acwMs: 5000 },
    });
    await time.advanceInSteps(6000, 1000); // agent A is alerting
    const old = m.status()[0]?.channelId as string;
    const handover = next(m, 'handover');
    await emu.control.socketClosing(old, 15_000);
    const h = await handover;
    expect(h).toMatchObject({ fromChannelId: old, reason: 'socket-closing' });
    await time.advanceInSteps(call.finalMs + 1000 - time.now(), 1000);
    const truth = await sentTo(ref.channelId);
    await whenTrue(m, 'conversation', () => [...truth.keys()].every((id) => got.includes(id)));
    expect(got.length).toBe(new Set(got).size); // nothing twice
    expect(new Set(got)).toEqual(new Set(truth.keys())); // nothing lost
    const [oldSent, newSent] = [await sentTo(old), await sentTo(h.toChannelId)];
    expect([...oldSent.keys()].some((id) => newSent.has(id))).toBe(true); // the overlap really was sent twice
    ref.close();
  });

  it('hard drop: reconnects and reports a gap that covers exactly the missed events', async () => {
    const agent = userId(small, 'Agent 45');
    const topicList = [topics.userCalls(agent), topics.userConversations(agent)];
    const ref = await reference(small, topicList);
    // Slow retries so the reconnection takes 22.5 virtual seconds (7.5 s + 15 s backoff).
    const { m, got, time } = await managerFor(small, topicList, { retry: { maxRetries: 4, maxRateLimitRetries: 20, maxDelayMs: 120_000, backoff: { baseMs: 10_000, maxMs: 20_000 }, rateLimitBackoff: { baseMs: 1000, maxMs: 60_000 } } });
    managers.push(m);
    await m.start();
    const call = await emu.control.startCall(small.orgId, { scenario: 'hold', agentIds: [agent], durations: { ivrMs: 2000, queueMs: 2000, alertMs: 3000, talkMs: 60_000, holdMs: 10_000, acwMs: 5000 } });
    const hold = call.participants.find((p) => p.userId === agent)?.spans.find((s) => s.kind === 'hold');
    expect(hold).toBeDefined();
    await time.advanceInSteps((hold?.startMs as number) - 5000 - time.now(), 1000);
    const sentSoFar = await sentTo(ref.channelId);
    await whenTrue(m, 'conversation', () => [...sentSoFar.keys()].every((id) => got.includes(id)));
    await emu.control.addFault({ route: 'HEAD /api/v2/notifications/channels/*', kind: 'status', status: 503, count: 2 });
    const dropAt = time.now();
    const gap = next(m, 'gap');
    await emu.control.dropSocket(m.status()[0]?.channelId as string);
    const g = await gap;
    expect(g.from).toBeLessThanOrEqual(dropAt);
    expect(g.to).toBe(dropAt + 22_500);
    expect(g.topics).toEqual(topicList);
    await time.advanceInSteps(call.finalMs + 1000 - time.now(), 1000);
    const truth = await sentTo(ref.channelId);
    const outside = [...truth].filter(([, at]) => at <= dropAt || at > g.to).map(([id]) => id);
    await whenTrue(m, 'conversation', () => outside.every((id) => got.includes(id)));
    const missed = [...truth].filter(([id]) => !got.includes(id));
    expect(missed.length).toBeGreaterThan(0); // the hold started inside the gap
    expect(missed.every(([, at]) => at > dropAt && at <= g.to)).toBe(true);
    expect(got.length).toBe(new Set(got).size);
    ref.close();
  });
});

/**
 * Amazon EventBridge as the event source, against the emulator: the same
 * scenarios run for a tenant fed by its WebSocket channels and for one fed by
 * the emulator's EventBridge sink give the same common-event sequences in
 * `conversation_events` (types, seq, agents; ids differ) and the same gate
 * decisions. The sink reaches Hookline through a relay in this test, which
 * swaps and repeats the envelopes of the calls agent B takes part in:
 * duplicated and reordered deliveries must change nothing.
 */
import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveStore, type CommonEvent } from '../../src/conversations/index.js';
import type { CallSummary } from '../../src/emulator/index.js';
import type { ReceivedSession } from '../../src/receiver/index.js';
import { until } from '../helpers/server.js';
import { startStack, type Stack } from '../helpers/stack.js';

const SECRET = 'e2e-eventbridge-secret-0123456789';
const HEADER = 'x-hookline-eventbridge-key';
const short = { ivrMs: 300, queueMs: 300, alertMs: 400, acwMs: 300, holdMs: 800 };
/** Agents: A, B monitored; C, D not. */
/** `last`: the event the live model ends on (the monitored agent's wrap-up, after the call or after a transfer away). */
const CALLS = [
  { name: 'inbound A', scenario: 'inbound', agents: [0], last: 'conversation.updated' },
  { name: 'hold B', scenario: 'hold', agents: [1], last: 'conversation.updated' },
  { name: 'blind transfer A → C', scenario: 'blind-transfer', agents: [0, 2], last: 'conversation.updated' },
  { name: 'blind transfer B → C', scenario: 'blind-transfer', agents: [1, 2], last: 'conversation.updated' },
  { name: 'abandon', scenario: 'abandon', agents: [], last: undefined },
  { name: 'inbound C (unmonitored)', scenario: 'inbound', agents: [2], last: undefined },
] as const;
/** Gate decisions: `admitted` is the agent the session is tagged with; undefined: never streamed. */
const GATED = [
  { name: 'inbound A', scenario: 'inbound', agents: [0], admitted: 0 },
  { name: 'hold B', scenario: 'hold', agents: [1], admitted: 1 },
  { name: 'blind transfer C → A', scenario: 'blind-transfer', agents: [2, 0], admitted: 0 },
  { name: 'inbound C (unmonitored)', scenario: 'inbound', agents: [2], admitted: undefined },
] as const;

/**
 * Forwards the sink's POSTs to Hookline. Envelopes of conversations agent B
 * is in are delivered in swapped pairs, each twice (n+1, n, n+1, n).
 */
class Relay {
  readonly server: HttpServer;
  private chain: Promise<void> = Promise.resolve();
  private held: string | undefined;
  private flush: NodeJS.Timeout | undefined;
  private readonly perturbed = new Set<string>();
  swapped = 0;
  /** Swap and repeat (the event comparison); off for the gate's calls. */
  perturb = true;
  target = '';

  constructor(private readonly agentB: string) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(202).end();
        this.take(Buffer.concat(chunks).toString());
      });
    });
  }

  async listen(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  private take(body: string): void {
    const e = JSON.parse(body) as { detail: { topicName: string; eventBody: { id?: string; conversationId?: string } } };
    const conversationId = e.detail.eventBody.id ?? e.detail.eventBody.conversationId ?? '';
    if (this.perturb && e.detail.topicName.includes(this.agentB)) this.perturbed.add(conversationId);
    if (!this.perturbed.has(conversationId)) return this.forward(body);
    if (this.held === undefined) {
      this.held = body;
      // A lone envelope goes on (twice) if no partner comes within a second (the calls' steps are shorter).
      this.flush = setTimeout(() => {
        const h = this.held as string;
        this.held = undefined;
        this.forward(h);
        this.forward(h);
      }, 1000);
      return;
    }
    clearTimeout(this.flush);
    const first = this.held;
    this.held = undefined;
    if (first !== body) this.swapped++;
    for (const b of [body, first, body, first]) this.forward(b);
  }

  /** In the relay's order, each until Hookline takes it (503 while no leader, as EventBridge would retry). */
  private forward(body: string): void {
    this.chain = this.chain.then(async () => {
      for (let attempt = 0; attempt < 100; attempt++) {
        const res = await fetch(this.target, { method: 'POST', headers: { 'content-type': 'application/json', [HEADER]: SECRET }, body }).catch(() => undefined);
        if (res?.ok) return;
        await sleep(100);
      }
      throw new Error('relay: Hookline never took an envelope');
    });
  }

  close(): void {
    clearTimeout(this.flush);
    this.server.close();
  }
}

let ws: Stack;
let eb: Stack;
let relay: Relay;
const stackOptions = { agents: 4, monitored: 2, tenant: { gateTimeoutSeconds: 6 }, server: { ingest: { enabled: false } } };

beforeAll(async () => {
  [ws, eb] = await Promise.all([
    startStack(stackOptions),
    startStack({ ...stackOptions, tenant: { ...stackOptions.tenant, notifications: { source: 'eventbridge', eventbridge: { secret: SECRET } } } }),
  ]);
  relay = new Relay(eb.agents[1]!.id);
  relay.target = `${eb.t.server.url}/api/v1/eventbridge/${eb.orgId}`;
  await eb.control.setEventBridge(eb.orgId, { url: await relay.listen(), header: HEADER, secret: SECRET, topics: ['v2.users.{id}.conversations.calls', 'v2.detail.events.conversation.{id}.customer.end'] });
  await ws.tracking();
  await until(() => eb.t.server.tracking.watcher(eb.orgId)?.ready, 15_000, 'the EventBridge tenant leader to know its agents');
}, 90_000);
afterAll(async () => {
  relay?.close();
  await Promise.all([ws?.stop(), eb?.stop()]);
});

type Normalized = { type: string; seq: number; agent?: number; from?: number; to?: number | null; purpose?: string; kind?: string };

/** The events without ids: agents by their index in the org. */
function normalize(s: Stack, events: CommonEvent[]): Normalized[] {
  const idx = (userId: string | undefined) => (userId === undefined ? undefined : s.agents.findIndex((a) => a.id === userId));
  return events.map((e) => {
    const r = e as Record<string, unknown> & { agent?: { userId: string }; from?: { userId: string }; to?: { userId: string } | null; participant?: { purpose: string } };
    const out: Normalized = { type: e.type, seq: e.seq };
    if (r.agent) out.agent = idx(r.agent.userId) as number;
    if (r.from) out.from = idx(r.from.userId) as number;
    if (r.to !== undefined) out.to = r.to === null ? null : (idx(r.to.userId) as number);
    if (r.participant) out.purpose = r.participant.purpose;
    if (typeof r.kind === 'string') out.kind = r.kind;
    return out;
  });
}

type LogEntry = { conversationId: string; result: string; framesSent: number };
const sessionLog = async (s: Stack, conversationId: string) => ((await s.control.audioHookLog({ conversationId })) as LogEntry[])[0];
const received = (s: Stack, conversationId: string): ReceivedSession | undefined => [...(s.receiver?.sessions.values() ?? [])].find((r) => r.start.conversationId === conversationId);

/**
 * The calls of the event comparison get no AudioHook session: a held session
 * makes the leader read the conversation through the API at a moment that
 * depends on load, and the live model then sees the changes grouped
 * differently whatever the event source. The gate has calls of its own.
 */
async function run(s: Stack, calls: readonly { scenario: string; agents: readonly number[] }[], sessions: boolean): Promise<string[]> {
  return (await start(s, calls, sessions)).map((c) => c.conversationId);
}

async function start(s: Stack, calls: readonly { scenario: string; agents: readonly number[] }[], sessions: boolean): Promise<CallSummary[]> {
  const started = await Promise.all(
    calls.map((c) =>
      s.control.startCall(s.orgId, {
        scenario: c.scenario as 'inbound',
        agentIds: c.agents.map((i) => s.agents[i]!.id),
        queueId: s.queueId,
        durations: { ...short, talkMs: 3000 },
        ...(sessions ? {} : { dialOut: { enabled: false } }),
      }),
    ),
  );
  return started;
}

/** Every notification of these calls has been published (the emulator's clock is past their last wrap-up). */
async function over(s: Stack, calls: CallSummary[]): Promise<void> {
  const last = Math.max(...calls.map((c) => c.finalMs));
  await until(async () => (await s.control.clock()).now > last, 30_000, 'the calls to be over');
}

describe('EventBridge-fed tenant', () => {
  it('gives the same common events as the WebSocket-fed one, through duplicates and reordering', async () => {
    const [wsCalls, ebCalls] = await Promise.all([start(ws, CALLS, false), start(eb, CALLS, false)]);
    await Promise.all([over(ws, wsCalls), over(eb, ebCalls)]);
    const [wsIds, ebIds] = [wsCalls.map((c) => c.conversationId), ebCalls.map((c) => c.conversationId)];
    const wsLive = new LiveStore(ws.t.server.ctx.db);
    const ebLive = new LiveStore(eb.t.server.ctx.db);
    const seqs = async (s: Stack, live: LiveStore, ids: string[]) => Promise.all(ids.map(async (id) => normalize(s, await live.events(s.orgId, id))));

    await until(
      async () => {
        const [a, b] = await Promise.all([seqs(ws, wsLive, wsIds), seqs(eb, ebLive, ebIds)]);
        const ended = CALLS.every((c, i) => a[i]!.at(-1)?.type === c.last);
        return ended && JSON.stringify(a) === JSON.stringify(b);
      },
      45_000,
      "the EventBridge tenant to produce the WebSocket tenant's events",
    ).catch(async (err: unknown) => {
      const [a, b] = await Promise.all([seqs(ws, wsLive, wsIds), seqs(eb, ebLive, ebIds)]);
      expect(b).toEqual(a); // shows the difference
      expect(a.map((x) => x.at(-1)?.type)).toEqual(CALLS.map((c) => c.last));
      throw err;
    });
    const sequences = await seqs(ws, wsLive, wsIds);
    // Not trivially equal: the monitored calls carry the whole story, transfers included; the others nothing.
    expect(sequences[0]!.map((e) => e.type)).toEqual(expect.arrayContaining(['conversation.created', 'agent.connected', 'agent.disconnected', 'conversation.ended']));
    expect(sequences[1]!.map((e) => e.type)).toEqual(expect.arrayContaining(['agent.connected', 'conversation.ended']));
    expect(sequences[2]!.some((e) => e.type === 'agent.transferred' && e.from === 0 && e.to === 2)).toBe(true);
    expect(sequences[3]!.some((e) => e.type === 'agent.transferred' && e.from === 1 && e.to === 2)).toBe(true);
    expect([sequences[4], sequences[5]]).toEqual([[], []]);
    // The relay did swap envelopes with different bodies (the calls of agent B).
    expect(relay.swapped).toBeGreaterThan(0);
  }, 90_000);

  it('gives the same gate decisions: the monitored agent\'s calls admitted and tagged, the unmonitored one never streamed', async () => {
    relay.perturb = false;
    const [wsIds, ebIds] = await Promise.all([run(ws, GATED, true), run(eb, GATED, true)]);
    for (const [s, ids] of [[ws, wsIds], [eb, ebIds]] as const) {
      await until(async () => (await Promise.all(ids.map((id) => sessionLog(s, id)))).every((l) => l !== undefined && ['completed', 'failed', 'dropped'].includes(l.result)), 40_000, 'every session to finish');
      for (const [i, c] of GATED.entries()) {
        const id = ids[i]!;
        if (c.admitted !== undefined) {
          await until(() => received(s, id)?.finished === true, 30_000, `the stream of ${c.name}`);
          expect(received(s, id)?.start.agent?.id).toBe(s.agents[c.admitted]!.id);
        } else {
          expect((await sessionLog(s, id))?.framesSent).toBe(0);
          expect(received(s, id)).toBeUndefined();
        }
      }
    }
  }, 90_000);
});

/**
 * Plugins never slow capture, the gate or ingest down (issue 11): with one
 * plugin that throws and one that hangs in both hooks, the emulator's call is
 * admitted by the gate while the live model is still waiting for the hanging
 * plugin's first verdict (nothing of the call is committed yet), and post-call
 * ingest marks a call imported while a before-commit hook never returns.
 * The hang is a promise the test releases only after it checked.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveStore } from '../../src/conversations/index.js';
import type { ModelChange } from '../../src/plugins/index.js';
import { until } from '../helpers/server.js';
import { startStack, type Stack } from '../helpers/stack.js';

const fixture = fileURLToPath(new URL('../plugins/fixtures/controlled.mjs', import.meta.url));
const CONTROLS = Symbol.for('hookline.test.plugins');
const short = { ivrMs: 300, queueMs: 300, alertMs: 500, acwMs: 300 };

interface Hang {
  seen: ModelChange[];
  afterCalls: number;
  release(): void;
  hook: { beforeCommit(c: ModelChange): Promise<void>; afterCommit(): Promise<void> };
}

/** A plugin control whose hooks hang until release(). */
function hang(): Hang {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const h: Hang = {
    seen: [],
    afterCalls: 0,
    release,
    hook: {
      beforeCommit: async (c) => {
        h.seen.push(c);
        await released;
      },
      afterCommit: async () => {
        h.afterCalls++;
        await released;
      },
    },
  };
  return h;
}

const thrower = {
  beforeCommit: () => {
    throw new Error('thrower before');
  },
  afterCommit: () => {
    throw new Error('thrower after');
  },
};

async function withControls<T>(controls: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
  (globalThis as Record<symbol, unknown>)[CONTROLS] = controls;
  try {
    return await fn();
  } finally {
    delete (globalThis as Record<symbol, unknown>)[CONTROLS];
  }
}

async function outcomes(stack: Stack, plugin: string, outcome: string): Promise<number> {
  const m = await stack.t.server.registry.getSingleMetric('hookline_plugin_before_commit_total')?.get();
  return m?.values.find((v) => v.labels.plugin === plugin && v.labels.outcome === outcome)?.value ?? 0;
}

function pluginConfig(hangBudgetMs: number) {
  return [
    { module: fixture, options: { control: 'thrower' } },
    { module: fixture, options: { control: 'sleeper' }, beforeCommitBudgetMs: hangBudgetMs },
  ];
}

describe('plugins do not touch admission', () => {
  const sleeper = hang();
  let s: Stack | undefined;
  afterAll(async () => {
    sleeper.release();
    await s?.stop();
  });

  it('admits a held call while the live model waits on a hanging before-commit hook; commits once released', async () => {
    s = await withControls({ thrower, sleeper: sleeper.hook }, () => startStack({ agents: 2, monitored: 1, server: { plugins: pluginConfig(60_000) } }));
    const stack = s;
    await stack.tracking();
    const live = new LiveStore(stack.t.server.ctx.db);
    const call = await stack.control.startCall(stack.orgId, { agentIds: [stack.agents[0]!.id], queueId: stack.queueId, durations: { ...short, talkMs: 2500 } });
    const id = call.conversationId;
    await until(() => sleeper.seen.some((c) => c.conversationId === id), 15_000, 'the live model to ask the hanging plugin about the call');
    // Admission: the stream sink gets only admitted sessions, so the receiver's start message is the gate's decision.
    await until(() => [...(stack.receiver?.sessions.values() ?? [])].some((r) => r.start.conversationId === id), 15_000, 'the gate to admit the call');
    // Structural: the live model is still stuck on the call's first change, before commit.
    expect(sleeper.seen.filter((c) => c.conversationId === id)).toHaveLength(1);
    expect(await live.events(stack.orgId, id)).toEqual([]);
    sleeper.release();
    const events = await until(async () => {
      const e = await live.events(stack.orgId, id);
      return e.some((x) => x.type === 'agent.connected') && e;
    }, 15_000, 'the live model to commit the call once the plugin answers');
    expect(events[0]?.type).toBe('conversation.created');
    expect(events.every((e) => e.enrichment === undefined)).toBe(true); // the thrower's verdict never counts
    expect(await outcomes(stack, 'thrower', 'error')).toBeGreaterThan(0);
  }, 90_000);
});

describe('plugins do not hold up ingest', () => {
  const sleeper = hang();
  let s: Stack | undefined;
  afterAll(async () => {
    sleeper.release();
    await s?.stop();
  });

  it('imports an ended call while a before-commit hook never returns (each change waits its budget, then commits)', async () => {
    s = await withControls({ thrower, sleeper: sleeper.hook }, () => startStack({ agents: 2, monitored: 1, receiver: false, server: { plugins: pluginConfig(300) } }));
    const stack = s;
    await stack.tracking();
    const call = await stack.control.startCall(stack.orgId, { agentIds: [stack.agents[0]!.id], queueId: stack.queueId, durations: { ...short, talkMs: 1500 } });
    const id = call.conversationId;
    await until(async () => (await stack.t.server.store.importedAmong(stack.orgId, [id])).size === 1, 60_000, 'the call to be imported');
    const live = new LiveStore(stack.t.server.ctx.db);
    expect((await live.events(stack.orgId, id)).map((e) => e.type)).toContain('conversation.imported');
    expect(sleeper.seen.some((c) => c.conversationId === id && c.source === 'analytics')).toBe(true);
    expect(await outcomes(stack, 'sleeper', 'timeout')).toBeGreaterThan(0);
  }, 90_000);
});

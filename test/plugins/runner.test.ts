/**
 * The plugin runner on its own: verdicts in config order, the budget and fail
 * open, frozen views, bounded enrichment, and per-plugin after-commit queues
 * with drops counted. Plugins are objects here; loading is in loader.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { CommonEvent, LiveChange } from '../../src/conversations/index.js';
import { createRegistry, type Registry } from '../../src/platform/metrics/index.js';
import { MAX_ENRICHMENT_BYTES, MAX_OVERDUE, PluginRunner, type HooklinePlugin, type LoadedPlugin, type PluginEntry } from '../../src/plugins/index.js';
import { captureLogs } from '../helpers/log-capture.js';

const base = { version: 1 as const, tenant: 'org', conversationId: 'c1', occurredAt: '2024-05-01T10:00:00.000Z' };
const events: CommonEvent[] = [
  { ...base, seq: 1, type: 'conversation.created' },
  { ...base, seq: 2, type: 'conversation.ended' },
];
const change = (): LiveChange => ({
  tenant: 'org',
  conversationId: 'c1',
  source: 'snapshot',
  previous: undefined,
  state: { tenant: 'org', conversationId: 'c1', seq: 2, participants: [], pendingTransfers: [], transferTargets: [], surveys: [], evaluations: [] },
  events: structuredClone(events),
});

function setup(plugins: (HooklinePlugin & { entry?: Partial<PluginEntry> })[]) {
  const logs = captureLogs();
  const registry = createRegistry(false);
  const runner = new PluginRunner({ registry, log: logs.logger, closeGraceMs: 200 });
  const loaded: LoadedPlugin[] = plugins.map((p) => ({ name: p.name, plugin: p, log: logs.logger.child({ plugin: p.name }), entry: { module: `./${p.name}.js`, beforeCommitBudgetMs: 100, afterCommitQueueCapacity: 10, ...p.entry } }));
  runner.use(loaded);
  return { runner, registry, logs };
}

async function count(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const m = await registry.getSingleMetric(name)?.get();
  return m?.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0;
}

describe('before commit', () => {
  it('runs the hooks in config order; enrichments land under each plugin name on every event and in the state', async () => {
    const order: string[] = [];
    const { runner, registry } = setup([
      { name: 'a', beforeCommit: () => (order.push('a'), { enrich: { events: { caseId: 'C-1' } } }) },
      { name: 'b', beforeCommit: async () => (order.push('b'), { enrich: { state: { score: 3 }, events: { tag: 'x' } } }) },
    ]);
    const v = await runner.beforeCommit(change());
    expect(order).toEqual(['a', 'b']);
    if (!v.commit) throw new Error('vetoed');
    expect(v.events.map((e) => e.enrichment)).toEqual([{ a: { caseId: 'C-1' }, b: { tag: 'x' } }, { a: { caseId: 'C-1' }, b: { tag: 'x' } }]);
    expect(v.state.enrichment).toEqual({ b: { score: 3 } });
    expect(await count(registry, 'hookline_plugin_before_commit_total', { plugin: 'a', outcome: 'enrich' })).toBe(1);
  });

  it('the first veto stops the change (later plugins are not asked) and is logged with the plugin name and reason', async () => {
    const asked: string[] = [];
    const { runner, logs, registry } = setup([
      { name: 'gatekeeper', beforeCommit: () => (asked.push('gatekeeper'), { veto: 'customer opted out' }) },
      { name: 'later', beforeCommit: () => void asked.push('later') },
    ]);
    expect(await runner.beforeCommit(change())).toEqual({ commit: false });
    expect(asked).toEqual(['gatekeeper']);
    expect(logs.text()).toMatch(/"plugin":"gatekeeper","reason":"customer opted out".*vetoed/);
    expect(await count(registry, 'hookline_plugin_before_commit_total', { plugin: 'gatekeeper', outcome: 'veto' })).toBe(1);
  });

  it('fails open: a hook over budget or throwing leaves the change to commit without its verdict, counted and logged', async () => {
    let signal: AbortSignal | undefined;
    const never = new Promise<never>(() => undefined);
    const { runner, registry, logs } = setup([
      { name: 'hangs', entry: { beforeCommitBudgetMs: 50 }, beforeCommit: (_c, ctx) => ((signal = ctx.signal), never) },
      { name: 'throws', beforeCommit: () => { throw new Error('boom'); } },
      { name: 'fine', beforeCommit: () => ({ enrich: { events: { ok: true } } }) },
    ]);
    const v = await runner.beforeCommit(change());
    if (!v.commit) throw new Error('vetoed');
    expect(v.events.map((e) => Object.keys(e.enrichment ?? {}))).toEqual([['fine'], ['fine']]);
    expect(signal?.aborted).toBe(true);
    expect(await count(registry, 'hookline_plugin_before_commit_total', { plugin: 'hangs', outcome: 'timeout' })).toBe(1);
    expect(await count(registry, 'hookline_plugin_before_commit_total', { plugin: 'throws', outcome: 'error' })).toBe(1);
    expect(logs.text()).toContain('"plugin":"throws","err":"boom"');
  });

  it('rate-limits the failure log per plugin: a plugin failing on every change logs once per window', async () => {
    const { runner, logs, registry } = setup([
      { name: 'throws', beforeCommit: () => { throw new Error('boom'); } },
      { name: 'also', beforeCommit: () => { throw new Error('bang'); } },
    ]);
    for (let i = 0; i < 50; i++) await runner.beforeCommit(change());
    expect(logs.text().match(/before-commit threw/g)).toHaveLength(2); // one per plugin: one plugin's noise does not hide another's
    expect(await count(registry, 'hookline_plugin_before_commit_total', { plugin: 'throws', outcome: 'error' })).toBe(50);
  });

  it('skips a plugin whose calls keep running past their budget once MAX_OVERDUE of them are pending', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { runner, registry } = setup([{ name: 'slow', entry: { beforeCommitBudgetMs: 1 }, beforeCommit: () => (calls++, gate) }]);
    for (let i = 0; i < MAX_OVERDUE + 3; i++) await runner.beforeCommit(change());
    expect(calls).toBe(MAX_OVERDUE);
    expect(await count(registry, 'hookline_plugin_before_commit_total', { plugin: 'slow', outcome: 'skipped' })).toBe(3);
    release();
    await gate;
    await new Promise((r) => setImmediate(r));
    await runner.beforeCommit(change());
    expect(calls).toBe(MAX_OVERDUE + 1);
  });

  it('hands plugins a deep-frozen copy, and refuses verdicts that are not one or are too large', async () => {
    let mutated: unknown;
    const { runner, registry } = setup([
      {
        name: 'mutates',
        beforeCommit: (c) => {
          try {
            (c.events[0] as { type: string }).type = 'hacked';
          } catch (err) {
            mutated = err;
          }
        },
      },
      { name: 'odd', beforeCommit: () => ({ enrich: { events: ['not', 'an', 'object'] } }) as never },
      { name: 'big', beforeCommit: () => ({ enrich: { events: { blob: 'x'.repeat(MAX_ENRICHMENT_BYTES) } } }) },
    ]);
    const v = await runner.beforeCommit(change());
    expect(mutated).toBeInstanceOf(TypeError);
    if (!v.commit) throw new Error('vetoed');
    expect(v.events).toEqual(events);
    expect(await count(registry, 'hookline_plugin_before_commit_total', { plugin: 'odd', outcome: 'invalid' })).toBe(1);
    expect(await count(registry, 'hookline_plugin_before_commit_total', { plugin: 'big', outcome: 'invalid' })).toBe(1);
  });
});

describe('after commit', () => {
  it('hands each plugin the committed batches in order, one call at a time, and never waits for it', async () => {
    const got: number[][] = [];
    let running = 0;
    let maxRunning = 0;
    const { runner } = setup([
      {
        name: 'a',
        afterCommit: async (batch) => {
          maxRunning = Math.max(maxRunning, ++running);
          await new Promise((r) => setImmediate(r));
          got.push(batch.map((e) => e.seq));
          running--;
        },
      },
    ]);
    runner.afterCommit(events.slice(0, 1));
    runner.afterCommit(events.slice(1));
    expect(got).toEqual([]); // enqueued, not run in the caller's turn
    await runner.idle();
    expect(got).toEqual([[1], [2]]);
    expect(maxRunning).toBe(1);
  });

  it('a full queue drops batches for that plugin only, counted; errors are logged and the queue goes on', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const fast: number[] = [];
    let failing = 0;
    const { runner, registry, logs } = setup([
      { name: 'stuck', entry: { afterCommitQueueCapacity: 2 }, afterCommit: () => held },
      { name: 'fast', afterCommit: (b) => void fast.push(...b.map((e) => e.seq)) },
      { name: 'fails', afterCommit: () => { failing++; throw new Error('nope'); } },
    ]);
    for (let i = 0; i < 5; i++) runner.afterCommit(events.slice(0, 1));
    expect(await count(registry, 'hookline_plugin_after_commit_dropped_total', { plugin: 'stuck' })).toBe(3);
    expect(await count(registry, 'hookline_plugin_after_commit_dropped_total', { plugin: 'fast' })).toBe(0);
    await until(() => fast.length === 5 && failing === 5);
    expect(logs.text()).toContain('"plugin":"fails","err":"nope"');
    expect(await count(registry, 'hookline_plugin_after_commit_total', { plugin: 'fails', outcome: 'error' })).toBe(5);
    release();
    await runner.idle();
    expect(await count(registry, 'hookline_plugin_after_commit_total', { plugin: 'stuck', outcome: 'ok' })).toBe(2);
  });

  it('close lets the queues empty, aborts a hook still running after the grace, then closes every plugin', async () => {
    const closed: string[] = [];
    let signal: AbortSignal | undefined;
    const { runner } = setup([
      { name: 'hangs', afterCommit: (_e, ctx) => ((signal = ctx.signal), new Promise<void>(() => undefined)), close: () => void closed.push('hangs') },
      { name: 'plain', close: () => void closed.push('plain') },
    ]);
    runner.afterCommit(events);
    await runner.close();
    expect(signal?.aborted).toBe(true);
    expect(closed).toEqual(['hangs', 'plain']);
  });
});

async function until(fn: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !fn(); i++) await new Promise((r) => setImmediate(r));
  expect(fn()).toBe(true);
}

/**
 * Runs the loaded plugins around the live model's commits.
 *
 * Before commit: the hooks run in config order, each within its own budget.
 * A hook over budget or throwing leaves the change to commit without its
 * verdict (fail open: a broken plugin never stops the model); the first veto
 * stops the change. Every hook sees the change as derived (not another
 * plugin's enrichment), as a deep-frozen copy.
 *
 * After commit: each plugin has its own bounded queue of committed batches and
 * one worker, so a slow plugin delays only itself; a full queue drops the
 * batch and counts it. The committing writer only enqueues.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommonEvent, LiveChange, LiveVerdict } from '../conversations/index.js';
import type { Logger } from '../platform/logging/index.js';
import type { Registry } from '../platform/metrics/index.js';
import { deepFreeze } from '../platform/config/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import type { ConversationEvent, Enrichment, ModelChange, PluginVerdict } from './api.js';
import type { LoadedPlugin } from './loader.js';
import { PluginMetrics } from './metrics.js';
import { ThrottledLog } from './throttle.js';

/** A verdict's JSON larger than this is refused ('invalid'): enrichment is stored with every event. */
export const MAX_ENRICHMENT_BYTES = 16 * 1024;
/** Calls of one plugin still running past their budget; beyond, the plugin is skipped until some end. */
export const MAX_OVERDUE = 16;

export interface PluginRunnerOptions {
  registry: Registry;
  log: Logger;
  /** At close, how long the after-commit queues get to empty before their signal is aborted. */
  closeGraceMs?: number;
}

type Outcome = 'ok' | 'enrich' | 'veto' | 'timeout' | 'error' | 'invalid' | 'skipped';

/** One plugin's after-commit queue and worker. */
class AfterCommitQueue {
  private readonly items: (readonly ConversationEvent[])[] = [];
  private draining: Promise<void> | undefined;
  readonly abort = new AbortController();

  constructor(
    private readonly p: LoadedPlugin,
    private readonly metrics: PluginMetrics,
    private readonly warn: ThrottledLog,
  ) {}

  offer(events: readonly ConversationEvent[]): boolean {
    if (this.items.length >= this.p.entry.afterCommitQueueCapacity) return false;
    this.items.push(events);
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
    return true;
  }

  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    await Promise.resolve(); // never in the committing writer's turn
    for (let batch = this.items.shift(); batch; batch = this.items.shift()) {
      try {
        await this.p.plugin.afterCommit?.(batch, { log: this.p.log, signal: this.abort.signal });
        this.metrics.afterCommit.inc({ plugin: this.p.name, outcome: 'ok' });
      } catch (err) {
        this.metrics.afterCommit.inc({ plugin: this.p.name, outcome: 'error' });
        this.warn.warn({ plugin: this.p.name, err: errorMessage(err) }, 'plugin after-commit failed');
      }
    }
  }
}

function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The verdict as the runner acts on it; undefined when it is not one (or too large). */
function readVerdict(v: unknown): { veto: string } | { enrich: Enrichment } | 'none' | undefined {
  if (v === undefined || v === null) return 'none';
  if (!isJsonObject(v)) return undefined;
  if ('veto' in v) return typeof v.veto === 'string' ? { veto: v.veto.slice(0, 500) } : undefined;
  if (!('enrich' in v) || !isJsonObject(v.enrich)) return undefined;
  const { events, state } = v.enrich;
  if ((events !== undefined && !isJsonObject(events)) || (state !== undefined && !isJsonObject(state))) return undefined;
  let text: string;
  try {
    text = JSON.stringify({ events, state });
  } catch {
    return undefined; // cycles, BigInt
  }
  if (Buffer.byteLength(text) > MAX_ENRICHMENT_BYTES) return undefined;
  return { enrich: JSON.parse(text) as Enrichment }; // a copy: the plugin cannot change it after the fact
}

export class PluginRunner {
  private plugins: LoadedPlugin[] = [];
  private queues = new Map<string, AfterCommitQueue>();
  private readonly overdue = new Map<string, number>();
  private readonly metrics: PluginMetrics;
  private readonly warn: ThrottledLog;
  private closed = false;

  constructor(private readonly o: PluginRunnerOptions) {
    this.metrics = new PluginMetrics(o.registry);
    this.warn = new ThrottledLog(o.log);
  }

  /** Takes the loaded plugins (at start, before anything commits). */
  use(plugins: LoadedPlugin[]): void {
    this.plugins = plugins;
    this.queues = new Map(plugins.filter((p) => p.plugin.afterCommit).map((p) => [p.name, new AfterCommitQueue(p, this.metrics, this.warn)]));
  }

  get names(): string[] {
    return this.plugins.map((p) => p.name);
  }

  /** LiveStore's beforeCommit hook. Never rejects: plugin failures let the change commit. */
  readonly beforeCommit = async (change: LiveChange): Promise<LiveVerdict> => {
    const hooks = this.plugins.filter((p) => p.plugin.beforeCommit);
    if (hooks.length === 0 || this.closed) return { commit: true, state: change.state, events: change.events };
    const copy = structuredClone({ tenant: change.tenant, conversationId: change.conversationId, source: change.source, previous: change.previous, next: change.state, events: change.events });
    const view: ModelChange = deepFreeze(copy); // also checks, at compile time, that the model fits the published plugin types
    const enrichments: { name: string; enrich: Enrichment }[] = [];
    for (const p of hooks) {
      const verdict = await this.ask(p, view);
      if (verdict && 'veto' in verdict) {
        this.o.log.info({ plugin: p.name, reason: verdict.veto, orgId: change.tenant, conversationId: change.conversationId, events: change.events.map((e) => e.type) }, 'plugin vetoed a change of the live model; not committed');
        return { commit: false };
      }
      if (verdict) enrichments.push({ name: p.name, enrich: verdict.enrich });
    }
    return enrich(change, enrichments);
  };

  /** LiveStore's onCommit side: enqueues for every after-commit plugin and returns at once. */
  afterCommit(events: readonly CommonEvent[]): void {
    if (this.queues.size === 0) return;
    const batch: readonly ConversationEvent[] = deepFreeze(structuredClone(events));
    for (const [name, q] of this.queues) {
      if (!this.closed && q.offer(batch)) continue;
      this.metrics.afterCommitDropped.inc({ plugin: name });
      this.warn.warn({ plugin: name, closing: this.closed }, 'plugin after-commit queue full (or closing): committed events dropped for this plugin');
    }
  }

  /** Resolves when every after-commit queue is empty (for tests and shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.idle()));
  }

  /** Lets the after-commit queues empty (up to closeGraceMs), aborts what still runs, then closes each plugin. */
  async close(): Promise<void> {
    this.closed = true;
    const grace = new AbortController();
    await Promise.race([this.idle(), sleep(this.o.closeGraceMs ?? 5000, undefined, { signal: grace.signal }).catch(() => undefined)]);
    grace.abort();
    for (const q of this.queues.values()) q.abort.abort();
    for (const p of this.plugins) {
      try {
        await p.plugin.close?.();
      } catch (err) {
        this.o.log.warn({ plugin: p.name, err: errorMessage(err) }, 'plugin close failed');
      }
    }
  }

  /** One plugin's verdict within its budget; undefined when it gave none that counts. */
  private async ask(p: LoadedPlugin, view: ModelChange): Promise<{ veto: string } | { enrich: Enrichment } | undefined> {
    const count = (outcome: Outcome) => this.metrics.beforeCommit.inc({ plugin: p.name, outcome });
    if ((this.overdue.get(p.name) ?? 0) >= MAX_OVERDUE) {
      count('skipped');
      this.warn.warn({ plugin: p.name, overdue: MAX_OVERDUE }, 'plugin before-commit skipped: too many of its calls still running past their budget');
      return undefined;
    }
    const abort = new AbortController();
    const timer = new AbortController();
    const started = performance.now();
    const call = new Promise<PluginVerdict | void>((res) => res(p.plugin.beforeCommit?.(view, { log: p.log, signal: abort.signal }))).then(
      (value) => ({ value }),
      (err: unknown) => ({ err }),
    );
    const budget = sleep(p.entry.beforeCommitBudgetMs, 'timeout' as const, { signal: timer.signal }).catch(() => undefined);
    const r = await Promise.race([call, budget]);
    timer.abort();
    this.metrics.beforeCommitSeconds.observe({ plugin: p.name }, (performance.now() - started) / 1000);
    if (r === 'timeout' || r === undefined) {
      abort.abort();
      this.overdue.set(p.name, (this.overdue.get(p.name) ?? 0) + 1);
      void call.finally(() => this.overdue.set(p.name, (this.overdue.get(p.name) ?? 1) - 1));
      count('timeout');
      this.warn.warn({ plugin: p.name, budgetMs: p.entry.beforeCommitBudgetMs }, 'plugin before-commit over budget: committed without its verdict');
      return undefined;
    }
    if ('err' in r) {
      count('error');
      this.warn.warn({ plugin: p.name, err: errorMessage(r.err) }, 'plugin before-commit threw: committed without its verdict');
      return undefined;
    }
    const verdict = readVerdict(r.value);
    if (verdict === undefined) {
      count('invalid');
      this.warn.warn({ plugin: p.name, maxBytes: MAX_ENRICHMENT_BYTES }, 'plugin before-commit returned no valid verdict ({ veto: string } or { enrich: { events?, state? } } of JSON objects within maxBytes): ignored');
      return undefined;
    }
    count(verdict === 'none' ? 'ok' : 'veto' in verdict ? 'veto' : 'enrich');
    return verdict === 'none' ? undefined : verdict;
  }
}

/** The change with each plugin's enrichment under its name, on every event and/or in the state. */
function enrich(change: LiveChange, list: { name: string; enrich: Enrichment }[]): LiveVerdict {
  let { state, events } = change;
  for (const { name, enrich: e } of list) {
    if (e.events) {
      const data = e.events;
      events = events.map((ev) => ({ ...ev, enrichment: { ...ev.enrichment, [name]: data } }));
    }
    if (e.state) state = { ...state, enrichment: { ...state.enrichment, [name]: e.state } };
  }
  return { commit: true, state, events };
}

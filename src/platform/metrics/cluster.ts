/**
 * /metrics under `server.workers` > 1: every worker's admin listener answers
 * with the sum over all workers. A worker asks the primary over IPC; the
 * primary gathers the registry of every worker that has joined and sums them
 * with prom-client's `AggregatorRegistry.aggregate` (prom-client README,
 * "Usage with Node.js's cluster module"), which sums each metric unless the
 * metric names another aggregator (prom-client's default metrics do: start
 * time omitted, version first, event-loop lag averaged).
 *
 * The gathering is ours rather than prom-client's `clusterMetrics()`, which
 * asks every worker the cluster has forked: one still loading its modules
 * cannot answer, and every /metrics failed for 5 s while a worker started or
 * restarted. Here a worker joins once its registry is set up, and leaves with
 * its channel.
 */
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';
import type { IpcLink } from '../util/ipc-link.js';

const TAG = 'hookline-metrics';

type Metrics = MetricObjectWithValues<MetricValue<string>>[];
type Message =
  | { t: typeof TAG; kind: 'join' }
  | { t: typeof TAG; kind: 'ask'; id: number }
  | { t: typeof TAG; kind: 'answer'; id: number; text: string }
  | { t: typeof TAG; kind: 'failed'; id: number; error: string }
  | { t: typeof TAG; kind: 'gather'; id: number }
  | { t: typeof TAG; kind: 'gathered'; id: number; metrics: Metrics };

const isOurs = (m: unknown): m is Message => typeof m === 'object' && m !== null && (m as { t?: unknown }).t === TAG;

export class ClusterMetricsError extends Error {
  override name = 'ClusterMetricsError';
}

/** The primary's side: answers a worker's request with the aggregate of every worker that has joined. */
export class MetricsHost {
  private readonly joined = new Set<IpcLink>();
  /** Gathers in flight, by id: what each answering worker's registry held. */
  private readonly gathers = new Map<number, Gather>();
  private nextId = 1;

  constructor(private readonly timeoutMs = 5000) {}

  /** Serves one worker's channel; the returned function detaches it (the worker has exited). */
  attach(link: IpcLink): () => void {
    const off = link.onMessage((m) => {
      if (!isOurs(m)) return;
      if (m.kind === 'join') this.joined.add(link);
      else if (m.kind === 'gathered') this.gathers.get(m.id)?.answered(link, m.metrics);
      else if (m.kind === 'ask') this.answer(link, m.id);
    });
    return () => {
      off();
      this.joined.delete(link);
      // A worker gone mid-gather has nothing more to add: the sum is over those still here.
      for (const g of this.gathers.values()) g.gone(link);
    };
  }

  private answer(link: IpcLink, id: number): void {
    this.gather().then(
      (metrics) => AggregatorRegistry.aggregate(metrics).metrics(),
    ).then(
      (text) => link.send({ t: TAG, kind: 'answer', id, text } satisfies Message),
      (err: unknown) => link.send({ t: TAG, kind: 'failed', id, error: err instanceof Error ? err.message : String(err) } satisfies Message),
    );
  }

  private gather(): Promise<Metrics[]> {
    const id = this.nextId++;
    const members = [...this.joined];
    return new Promise<Metrics[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.gathers.delete(id);
        reject(new ClusterMetricsError(`${g.waiting} of ${members.length} workers sent no metrics within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      const g = new Gather(members, (metrics) => {
        clearTimeout(timer);
        this.gathers.delete(id);
        resolve(metrics);
      });
      this.gathers.set(id, g);
      for (const link of members) link.send({ t: TAG, kind: 'gather', id } satisfies Message);
      g.settleIfDone();
    });
  }
}

/** One gathering: the workers asked, and what those that answered sent. */
class Gather {
  private readonly pending: Set<IpcLink>;
  private readonly metrics: Metrics[] = [];

  constructor(
    members: IpcLink[],
    private readonly done: (metrics: Metrics[]) => void,
  ) {
    this.pending = new Set(members);
  }

  get waiting(): number {
    return this.pending.size;
  }

  answered(link: IpcLink, metrics: Metrics): void {
    if (!this.pending.delete(link)) return;
    this.metrics.push(metrics);
    this.settleIfDone();
  }

  gone(link: IpcLink): void {
    if (this.pending.delete(link)) this.settleIfDone();
  }

  settleIfDone(): void {
    if (this.pending.size === 0) this.done(this.metrics);
  }
}

/**
 * A worker's side: joins the primary's aggregation with `registry` and returns
 * what its /metrics answers, the aggregate. One registry per worker process.
 */
export function workerMetrics(registry: Registry, link: IpcLink, timeoutMs = 10_000): () => Promise<string> {
  let nextId = 1;
  const waiting = new Map<number, (a: Extract<Message, { kind: 'answer' | 'failed' }>) => void>();
  link.onMessage((m) => {
    if (!isOurs(m)) return;
    if (m.kind === 'gather') {
      registry.getMetricsAsJSON().then(
        (metrics) => link.send({ t: TAG, kind: 'gathered', id: m.id, metrics } satisfies Message),
        // Unreachable in practice (collect callbacks do not throw); the primary's timeout reports it.
        () => undefined,
      );
    } else if (m.kind === 'answer' || m.kind === 'failed') waiting.get(m.id)?.(m);
  });
  link.send({ t: TAG, kind: 'join' } satisfies Message);
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new ClusterMetricsError(`no metrics from the cluster primary within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(id, (a) => {
        waiting.delete(id);
        clearTimeout(timer);
        if (a.kind === 'answer') resolve(a.text);
        else reject(new ClusterMetricsError(`cluster metrics: ${a.error}`));
      });
      link.send({ t: TAG, kind: 'ask', id } satisfies Message);
    });
}

/**
 * /metrics under `server.workers` > 1: every worker's admin listener answers
 * with the sum over all workers. A worker asks the primary over IPC; the
 * primary gathers every worker's registry with prom-client's AggregatorRegistry
 * (prom-client README, "Usage with Node.js's cluster module"), which sums each
 * metric unless the metric names another aggregator (prom-client's default
 * metrics do: start time omitted, version first, event-loop lag averaged).
 */
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { IpcLink } from '../util/ipc-link.js';

const TAG = 'hookline-metrics';

interface Ask {
  t: typeof TAG;
  id: number;
}
type Answer = { t: typeof TAG; id: number; text: string } | { t: typeof TAG; id: number; error: string };

const isOurs = (m: unknown): m is Ask | Answer => typeof m === 'object' && m !== null && (m as { t?: unknown }).t === TAG;

export class ClusterMetricsError extends Error {
  override name = 'ClusterMetricsError';
}

/** The primary's side: answers a worker's request with the aggregate of every worker. */
export class MetricsHost {
  private readonly aggregator = new AggregatorRegistry();

  attach(link: IpcLink): () => void {
    return link.onMessage((m) => {
      if (!isOurs(m) || 'text' in m || 'error' in m) return;
      this.aggregator.clusterMetrics().then(
        (text) => link.send({ t: TAG, id: m.id, text } satisfies Answer),
        (err: unknown) => link.send({ t: TAG, id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies Answer),
      );
    });
  }
}

/**
 * A worker's side: offers `registry` to the primary's aggregation and returns
 * what its /metrics answers, the aggregate. One registry per worker process.
 */
export function workerMetrics(registry: Registry, link: IpcLink, timeoutMs = 10_000): () => Promise<string> {
  // Constructing it in a worker installs prom-client's listener that answers the primary with our registry.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  let nextId = 1;
  const waiting = new Map<number, (a: Answer) => void>();
  link.onMessage((m) => {
    if (isOurs(m) && ('text' in m || 'error' in m)) waiting.get(m.id)?.(m);
  });
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
        if ('text' in a) resolve(a.text);
        else reject(new ClusterMetricsError(`cluster metrics: ${a.error}`));
      });
      link.send({ t: TAG, id } satisfies Ask);
    });
}

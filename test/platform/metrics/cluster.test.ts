/**
 * The primary sums /metrics over the workers that have joined. A worker still
 * starting (forked, no registry yet) must not fail everyone's scrape: prom-client's
 * clusterMetrics() asked every forked worker and answered an error for 5 s.
 */
import { describe, expect, it } from 'vitest';
import { ClusterMetricsError, Counter, MetricsHost, createRegistry, workerMetrics } from '../../../src/platform/metrics/index.js';
import { linkPair } from '../../helpers/ipc-link.js';

function worker(host: MetricsHost, calls: number) {
  const [primarySide, workerSide] = linkPair();
  const detach = host.attach(primarySide);
  const registry = createRegistry(false);
  new Counter({ name: 'calls_total', help: 'calls', registers: [registry] }).inc(calls);
  return { detach, workerSide, join: () => workerMetrics(registry, workerSide, 2000) };
}

const total = (text: string) => Number(/^calls_total (\d+)$/m.exec(text)?.[1]);

describe('cluster metrics (the primary aggregates)', () => {
  it('sums the workers that have joined, while another is still starting', async () => {
    const host = new MetricsHost(1000);
    const a = worker(host, 2);
    const b = worker(host, 3);
    worker(host, 100); // forked, attached, but never set up its registry
    const scrape = a.join();
    b.join();
    expect(total(await scrape())).toBe(5);
  });

  it('answers without a worker that exits during the gathering', async () => {
    const host = new MetricsHost(1000);
    const a = worker(host, 2);
    const b = worker(host, 3);
    const scrape = a.join();
    // b joins but its process is gone before it can answer: detached, it is left out of the sum.
    b.workerSide.send({ t: 'hookline-metrics', kind: 'join' });
    await new Promise((r) => setImmediate(r));
    const answer = scrape();
    // The ask reaches the primary and its gather goes out to both (one hop each way in linkPair).
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    b.detach();
    expect(total(await answer)).toBe(2);
  });

  it('fails the scrape, naming how many did not answer, when a joined worker is silent', async () => {
    const host = new MetricsHost(50);
    const a = worker(host, 2);
    const b = worker(host, 3);
    b.workerSide.send({ t: 'hookline-metrics', kind: 'join' });
    const scrape = a.join();
    await new Promise((r) => setImmediate(r));
    const err = await scrape().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterMetricsError);
    expect(String(err)).toMatch(/1 of 2 workers sent no metrics within 50 ms/);
  });
});

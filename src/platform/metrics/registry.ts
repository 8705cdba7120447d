/**
 * Prometheus metrics. Each server instance owns its registry (tests run several
 * in one process). Hot-path counters are plain numbers folded in at scrape time
 * so the audio path never pays for label lookups.
 */
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

export function createRegistry(withDefaults = true): Registry {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'hookline_' });
  return registry;
}

/** A counter incremented as a plain number and published when scraped. */
export class FastCounter {
  private pending = 0;

  constructor(registry: Registry, name: string, help: string) {
    const take = (): number => {
      const n = this.pending;
      this.pending = 0;
      return n;
    };
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const n = take();
        if (n > 0) this.inc(n);
      },
    });
  }

  inc(n = 1): void {
    this.pending += n;
  }
}

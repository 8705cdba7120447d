import { Counter, Gauge, Histogram, type Registry } from '../platform/metrics/index.js';

export class GateMetrics {
  readonly decisions: Counter<'decision'>;
  readonly holdSeconds: Histogram;
  readonly transfers: Counter<'policy'>;
  readonly held: Gauge;

  constructor(registry: Registry, heldCount: () => number) {
    this.decisions = new Counter({
      name: 'hookline_gate_decisions_total',
      help: 'Gate decisions: admitted-at-open, held, admitted, timeout-disconnected, timeout-kept, all (tenant admits every call), no-policy (unknown tenant: rejected)',
      labelNames: ['decision'],
      registers: [registry],
    });
    this.holdSeconds = new Histogram({
      name: 'hookline_gate_hold_seconds',
      help: 'How long a session was held paused before it was admitted',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
    this.transfers = new Counter({
      name: 'hookline_gate_transfers_away_total',
      help: 'Admitted calls transferred away from the monitored group, by policy applied',
      labelNames: ['policy'],
      registers: [registry],
    });
    this.held = new Gauge({
      name: 'hookline_gate_held_sessions',
      help: 'Sessions held paused, waiting for a monitored agent',
      registers: [registry],
      collect() {
        this.set(heldCount());
      },
    });
  }
}

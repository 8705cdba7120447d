import { Counter, Histogram, type Registry } from '../platform/metrics/index.js';

/** Labels come from fixed sets only: the outcome, and the tenant's org id; never an endpoint URL. */
export class WebhookMetrics {
  readonly deliveries: Counter<'tenant' | 'outcome'>;
  readonly latency: Histogram;

  constructor(registry: Registry) {
    this.deliveries = new Counter({ name: 'hookline_webhook_deliveries_total', help: 'Webhook delivery attempts by outcome: delivered, retry (will be tried again), failed (given up)', labelNames: ['tenant', 'outcome'], registers: [registry] });
    this.latency = new Histogram({ name: 'hookline_webhook_delivery_latency_seconds', help: 'Event recorded in the outbox → delivered to an endpoint', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600], registers: [registry] });
  }
}

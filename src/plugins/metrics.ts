import { Counter, Histogram, type Registry } from '../platform/metrics/index.js';

/** Labels are plugin names from the configuration (never client input) and fixed outcomes. */
export class PluginMetrics {
  readonly beforeCommit: Counter<'plugin' | 'outcome'>;
  readonly beforeCommitSeconds: Histogram<'plugin'>;
  readonly afterCommit: Counter<'plugin' | 'outcome'>;
  readonly afterCommitDropped: Counter<'plugin'>;

  constructor(registry: Registry) {
    this.beforeCommit = new Counter({
      name: 'hookline_plugin_before_commit_total',
      help: 'Before-commit calls by outcome: ok, enrich, veto, timeout (over budget: committed without the verdict), error (threw: committed without it), invalid (a verdict that is not one), skipped (too many of its calls still running past their budget)',
      labelNames: ['plugin', 'outcome'],
      registers: [registry],
    });
    this.beforeCommitSeconds = new Histogram({
      name: 'hookline_plugin_before_commit_seconds',
      help: 'How long a change waited for a plugin before commit (at most its budget)',
      labelNames: ['plugin'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5],
      registers: [registry],
    });
    this.afterCommit = new Counter({
      name: 'hookline_plugin_after_commit_total',
      help: 'After-commit calls (one per committed batch of events) by outcome: ok, error',
      labelNames: ['plugin', 'outcome'],
      registers: [registry],
    });
    this.afterCommitDropped = new Counter({
      name: 'hookline_plugin_after_commit_dropped_total',
      help: 'Committed batches not handed to a plugin because its after-commit queue was full (or it was closing)',
      labelNames: ['plugin'],
      registers: [registry],
    });
  }
}

/**
 * The nightly reconciliation: every replica schedules each tenant's cron (in
 * its time zone) with croner; at each firing one replica wins a run-once key
 * for that slot in shared state and reconciles the last 24 h plus an overlap.
 */
import { Cron } from 'croner';
import type { Logger } from '../platform/logging/index.js';
import type { SharedState } from '../platform/state/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import type { Tenant } from '../tenants/index.js';

export interface SchedulerDeps {
  state: SharedState;
  replicaId: string;
  overlapMinutes: number;
  log: Logger;
  run: (orgId: string, from: Date, to: Date) => Promise<unknown>;
}

const DAY = 24 * 3600_000;

export class ReconcileScheduler {
  private readonly jobs = new Map<string, { spec: string; cron: Cron }>();

  constructor(private readonly d: SchedulerDeps) {}

  /** Schedules, reschedules or drops tenants' jobs to match their settings. */
  update(tenants: Tenant[]): void {
    const wanted = new Map(tenants.filter((t) => t.genesys && t.monitoredGroupId && t.reconcile.enabled).map((t) => [t.orgId, t]));
    for (const [orgId, j] of this.jobs) {
      const t = wanted.get(orgId);
      if (!t || `${t.reconcile.cron}|${t.reconcile.timezone}` !== j.spec) {
        j.cron.stop();
        this.jobs.delete(orgId);
      }
    }
    for (const [orgId, t] of wanted) {
      if (this.jobs.has(orgId)) continue;
      try {
        const cron = new Cron(t.reconcile.cron, { timezone: t.reconcile.timezone, protect: true, unref: true }, async () => {
          await this.fire(orgId);
        });
        this.jobs.set(orgId, { spec: `${t.reconcile.cron}|${t.reconcile.timezone}`, cron });
      } catch (err) {
        this.d.log.error({ orgId, cron: t.reconcile.cron, timezone: t.reconcile.timezone, err: errorMessage(err) }, 'invalid reconciliation schedule; not scheduled');
      }
    }
  }

  next(orgId: string): Date | null {
    return this.jobs.get(orgId)?.cron.nextRun() ?? null;
  }

  stop(): void {
    for (const j of this.jobs.values()) j.cron.stop();
    this.jobs.clear();
  }

  /** Runs once across replicas for this tenant and minute. */
  async fire(orgId: string, at = new Date()): Promise<boolean> {
    const slot = at.toISOString().slice(0, 16);
    const won = await this.d.state.setIfAbsent(`reconcile:${orgId}:${slot}`, this.d.replicaId, 6 * 3600_000).catch(() => false);
    if (!won) return false;
    const to = at;
    const from = new Date(to.getTime() - DAY - this.d.overlapMinutes * 60_000);
    await this.d.run(orgId, from, to).catch((err: unknown) => this.d.log.error({ orgId, err: errorMessage(err) }, 'nightly reconciliation failed'));
    return true;
  }
}

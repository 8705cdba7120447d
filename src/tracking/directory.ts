/**
 * The agent directory: who is in each tenant's monitored Genesys group.
 * Synced from the group's members into the agents table; the diff tells the
 * watcher which topics to add or drop.
 */
import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/index.js';
import type { TrackingTables } from './tables.js';

export interface Agent {
  userId: string;
  name?: string | undefined;
  email?: string | undefined;
  active: boolean;
}

export interface SyncResult {
  monitored: Map<string, Agent>;
  added: string[];
  removed: string[];
}

export class Directory {
  private readonly k: Kysely<TrackingTables>;

  constructor(db: Db) {
    this.k = db.kysely.withTables<TrackingTables>();
  }

  /** Replaces the tenant's monitored set with `members`; returns the diff. */
  async sync(tenantId: string, members: AsyncIterable<Agent> | Agent[], at = new Date().toISOString()): Promise<SyncResult> {
    const previous = new Set((await this.monitored(tenantId)).map((a) => a.userId));
    const monitored = new Map<string, Agent>();
    for await (const m of members) monitored.set(m.userId, m);
    await this.k.transaction().execute(async (trx) => {
      await trx.updateTable('agents').set({ monitored: 0, synced_at: at }).where('tenant_id', '=', tenantId).execute();
      for (const a of monitored.values()) {
        const row = { name: a.name ?? null, email: a.email ?? null, active: a.active ? 1 : 0, monitored: 1, synced_at: at };
        await trx
          .insertInto('agents')
          .values({ tenant_id: tenantId, user_id: a.userId, ...row })
          .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet(row))
          .execute();
      }
    });
    return {
      monitored,
      added: [...monitored.keys()].filter((id) => !previous.has(id)),
      removed: [...previous].filter((id) => !monitored.has(id)),
    };
  }

  /** When the tenant's directory was last synced by a leader (undefined: never). */
  async lastSynced(tenantId: string): Promise<Date | undefined> {
    const row = await this.k.selectFrom('agents').select((eb) => eb.fn.max('synced_at').as('at')).where('tenant_id', '=', tenantId).executeTakeFirst();
    return row?.at ? new Date(row.at) : undefined;
  }

  async monitored(tenantId: string): Promise<Agent[]> {
    const rows = await this.k.selectFrom('agents').selectAll().where('tenant_id', '=', tenantId).where('monitored', '=', 1).orderBy('name').execute();
    return rows.map((r) => ({ userId: r.user_id, name: r.name ?? undefined, email: r.email ?? undefined, active: r.active === 1 }));
  }
}

/**
 * The monitored agent directory (src/tracking/directory.ts). Created by the
 * shipped migration 003_tracking, which src/conversations owns (see
 * docs/database.md). Timestamps are ISO-8601 text, booleans 0/1.
 */
export interface AgentsTable {
  tenant_id: string;
  user_id: string;
  name: string | null;
  email: string | null;
  active: number;
  monitored: number;
  synced_at: string;
}

/** The tables this capability owns, by name (a type alias: see `Db` in src/platform/db/connect.ts). */
export type TrackingTables = {
  agents: AgentsTable;
};

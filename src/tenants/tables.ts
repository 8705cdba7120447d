/**
 * Tenants and their API keys. Timestamps are ISO-8601 text; JSON is text.
 */
export interface TenantsTable {
  org_id: string;
  name: string;
  /** JSON of the tenant's non-secret settings (admission, gate, reconcile…). */
  settings: string;
  /** Encrypted JSON of the tenant's secrets (Genesys client secret, downstream tokens). */
  secrets_enc: string | null;
  source: string;
  created_at: string;
  updated_at: string;
}

export interface ApiKeysTable {
  api_key: string;
  org_id: string;
  /** Encrypted base64 client secret; null = unsigned requests accepted for this key. */
  secret_enc: string | null;
  label: string | null;
  source: string;
  created_at: string;
}

/** The tables this capability owns, by name (a type alias: see `Db` in src/platform/db/connect.ts). */
export type TenantTables = {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
};

/** The install capability's tables (migration 010_install). */
export interface InstallCredentialsTable {
  id: string;
  name: string;
  /** SHA-256 (hex) of the secret; the secret itself is shown once, at `hookline installer add`. */
  secret_hash: string;
  created_at: string;
  revoked_at: string | null;
}

export interface InstallRunsTable {
  id: string;
  /** SHA-256 (hex) of the run's cookie secret. */
  secret_hash: string;
  org_id: string;
  /** The installer credential that completed Setup; null before. */
  credential_id: string | null;
  tenant_name: string | null;
  /** JSON RunState: steps done and the ids of everything created (src/install/runs.ts). */
  state: string;
  /** Encrypted JSON: the Genesys admin's token, the OAuth client secret, the AudioHook secret. */
  secrets_enc: string;
  created_at: string;
  updated_at: string;
}

/** The tables this capability owns, by name (a type alias: see `Db` in src/platform/db/connect.ts). */
export type InstallTables = {
  install_credentials: InstallCredentialsTable;
  install_runs: InstallRunsTable;
};

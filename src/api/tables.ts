/**
 * Tables of the API capability. Timestamps are ISO-8601 text.
 */
export interface ApiTokensTable {
  id: string;
  tenant_id: string;
  name: string;
  scope: 'read' | 'admin';
  /** Hex SHA-256 of the whole token: the token itself is never stored (tokens.ts says why not a slow hash). */
  token_hash: string;
  /** The token masked for display (at most its last 4 characters). */
  token_hint: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** The tables this capability owns, by name (a type alias: see `Db` in src/platform/db/connect.ts). */
export type ApiTables = {
  api_tokens: ApiTokensTable;
};

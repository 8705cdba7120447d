/**
 * Shapes shared by every Genesys resource (Genesys Cloud docs, "Platform API conventions").
 */

/**
 * A string enum that stays open: known values autocomplete, unknown ones still
 * type-check, because Genesys adds enum values without a version bump.
 */
export type Open<T extends string> = T | (string & {});

/** `{ id }` reference to another entity, with whatever else the API chose to include. */
export interface EntityRef {
  id: string;
  name?: string;
  selfUri?: string;
}

/** The standard error body (Genesys Cloud docs, "Platform API: errors"). */
export interface ErrorBody {
  message?: string;
  code?: string;
  status?: number;
  messageWithParams?: string;
  messageParams?: Record<string, string>;
  contextId?: string;
  entityId?: string;
  entityName?: string;
  details?: { errorCode?: string; fieldName?: string; entityId?: string; entityName?: string }[];
  errors?: ErrorBody[];
  limit?: Record<string, unknown>;
}

/** pageNumber/nextUri listing envelope (Genesys Cloud docs, "Platform API: pagination"). */
export interface EntityListing<T> {
  entities: T[];
  pageSize?: number;
  pageNumber?: number;
  total?: number;
  pageCount?: number;
  firstUri?: string;
  selfUri?: string;
  nextUri?: string;
  previousUri?: string;
  lastUri?: string;
}

/** Query values: arrays are sent as repeated keys (`id=a&id=b`). */
export type QueryValue = string | number | boolean | readonly string[] | undefined;
export type Query = Record<string, QueryValue>;

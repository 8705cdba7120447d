/** The console's calls to its server: same origin, the session cookie, the CSRF token on every POST. */
export interface Me {
  user: { username: string; globalAdmin: boolean };
  roles: { tenant: string; role: 'admin' | 'viewer' }[];
  csrfToken: string;
}

export interface TenantRow {
  orgId: string;
  name: string;
  admission: string;
  keyCount: number;
  role: 'admin' | 'viewer';
}

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A console API call (/console/api/…). Page modules add their own calls with this and `v1`, in a file of their own. */
export async function call<T>(method: Method, path: string, body?: unknown, csrf?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(`/console/api/${path}`, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new HttpError(res.status, json.error ?? `HTTP ${res.status}`);
  return json as T;
}

export interface Delivery {
  id: string;
  webhookId: string;
  endpoint: string;
  conversationId: string;
  seq: number;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
}

export interface DeadLetter {
  id: string;
  conversationId: string | null;
  reason: string;
  attempts: number;
  failedAt: string;
}

export interface IngestStatus {
  enabled: boolean;
  queue: { kind: string; ready: number; inFlight: number; dead: number } | null;
  recentImports: { conversationId: string; startedAt: string; endedAt: string | null; importedAt: string }[];
  deadLetters: DeadLetter[];
}

export interface ReconcileReport {
  id: string;
  trigger: string;
  windowStart: string;
  windowEnd: string;
  found: number;
  alreadyImported: number;
  enqueued: number;
  failed: number;
  error: string | null;
}

/**
 * The documented API (/api/v1, see its openapi.json) with the session cookie: the tenant named in the
 * query; `body` sent as JSON. A 204 answers undefined.
 */
export async function v1<T>(method: Method, path: string, tenant: string, csrf?: string, query: Record<string, string> = {}, body?: unknown): Promise<T> {
  const qs = new URLSearchParams({ tenant, ...query });
  const headers: Record<string, string> = csrf ? { 'x-csrf-token': csrf } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/api/v1/${path}?${qs.toString()}`, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new HttpError(res.status, json.error ?? `HTTP ${res.status}`);
  return json as T;
}

export const api = {
  me: () => call<Me>('GET', 'me'),
  login: (username: string, password: string) => call<Me>('POST', 'login', { username, password }),
  logout: (csrf: string) => call<void>('POST', 'logout', undefined, csrf),
  tenants: () => call<{ items: TenantRow[] }>('GET', 'tenants'),
  deliveries: (tenant: string, query: Record<string, string> = {}) => v1<{ items: Delivery[]; nextCursor: string | null }>('GET', 'webhooks/deliveries', tenant, undefined, query),
  redeliver: (tenant: string, id: string, csrf: string) => v1<{ queued: number }>('POST', `webhooks/deliveries/${encodeURIComponent(id)}/redeliver`, tenant, csrf),
  ingestStatus: (tenant: string) => v1<IngestStatus>('GET', 'ingest/status', tenant),
  retryDeadLetter: (tenant: string, id: string, csrf: string) => v1<{ queued: number }>('POST', `ingest/dead-letters/${encodeURIComponent(id)}/retry`, tenant, csrf),
  reconcileNow: (tenant: string, csrf: string) => v1<ReconcileReport>('POST', 'ingest/reconcile', tenant, csrf),
  reconciliations: (tenant: string) => v1<{ items: ReconcileReport[] }>('GET', 'ingest/reconciliations', tenant),
};

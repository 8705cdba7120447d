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

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, csrf?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(`/console/api/${path}`, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
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
};

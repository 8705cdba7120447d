/**
 * The Platform API calls the wizard makes as the customer's admin (reference: Genesys Cloud
 * "Premium app wizard", https://developer.genesys.cloud/appfoundry/premium-app-wizard/): a user token
 * from the PKCE code (Genesys Cloud docs, "PKCE grant", https://developer.genesys.cloud/authorization/platform-auth/use-pkce),
 * then plain JSON calls with it. Hookline's server makes them, not the browser, so the Genesys
 * API needs no CORS entry for Hookline's origin and the admin's token never reaches page script.
 */
export class GenesysCallError extends Error {
  override name = 'GenesysCallError';
  constructor(
    readonly status: number,
    readonly what: string,
    message: string,
  ) {
    super(`${what}: Genesys answered ${status}${message ? ` (${message})` : ''}`);
  }
}

export interface GenesysAnswer {
  status: number;
  body: Record<string, unknown>;
}

const TIMEOUT_MS = 15_000;

async function read(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    const v: unknown = text ? JSON.parse(text) : {};
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return {};
  }
}

/** Genesys' error message, cut short: it is shown to the admin, never used as a label or file name. */
const messageOf = (b: Record<string, unknown>): string => String(b.message ?? b.error_description ?? b.error ?? '').slice(0, 300);

/** Redeems the code at `{loginUrl}/oauth/token` with the PKCE verifier: the admin's user token. */
export async function exchangeCode(loginUrl: string, f: { clientId: string; code: string; codeVerifier: string; redirectUri: string }): Promise<{ token: string; expiresIn: number }> {
  const form = new URLSearchParams({ grant_type: 'authorization_code', client_id: f.clientId, code: f.code, code_verifier: f.codeVerifier, redirect_uri: f.redirectUri });
  const res = await fetch(`${loginUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = await read(res);
  if (!res.ok || typeof body.access_token !== 'string') throw new GenesysCallError(res.status, 'Genesys login', messageOf(body));
  return { token: body.access_token, expiresIn: Number(body.expires_in ?? 3600) };
}

export class GenesysAdmin {
  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
  ) {}

  /** One call; `allow` lists statuses that are answers, not errors (404 when checking that something still exists). */
  async call(method: string, path: string, what: string, body?: unknown, allow: number[] = []): Promise<GenesysAnswer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.apiUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(TIMEOUT_MS) });
    const answer = { status: res.status, body: await read(res) };
    if (!res.ok && !allow.includes(res.status)) throw new GenesysCallError(res.status, what, messageOf(answer.body));
    return answer;
  }

  /** True when the object is there, false on 404. */
  async exists(path: string, what: string): Promise<boolean> {
    return (await this.call('GET', path, what, undefined, [404])).status !== 404;
  }

  /** Deletes; an object already gone counts as deleted. */
  async remove(path: string, what: string): Promise<void> {
    await this.call('DELETE', path, what, undefined, [404]);
  }
}

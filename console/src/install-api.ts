/**
 * The install wizard's calls (/api/v1/install/…, docs/install.md): same origin, the run cookie
 * the Genesys login set; Setup adds the installer token. The PKCE verifier is the only thing kept
 * in the browser (sessionStorage), between leaving for the Genesys login and coming back.
 */
import { HttpError } from './api.js';

export interface StepState {
  step: string;
  done: boolean;
}
export interface Ref {
  id: string;
  link: string | null;
}
export interface RunView {
  runId: string;
  orgId: string;
  orgName: string;
  adminName: string;
  tenantName: string | null;
  setupDone: boolean;
  steps: StepState[];
  installed: boolean;
  integrationState: string | null;
  uninstalledAt: string | null;
  created: { role: Ref | null; oauthClient: Ref | null; group: Ref | null; credential: Ref | null; integration: Ref | null; tenant: { created: boolean; apiKey: string | null } };
}
export interface Check {
  missingPermissions: string[];
  audioHookAvailable: boolean;
  willCreate: string[];
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const h: Record<string, string> = { ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(`/api/v1/install/${path}`, { method, headers: h, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const json = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new HttpError(res.status, json.error ?? `HTTP ${res.status}`);
  return json as T;
}

export const installApi = {
  config: () => request<{ authorizeUrl: string; clientId: string | null }>('GET', 'config'),
  login: (code: string, codeVerifier: string, redirectUri: string) => request<RunView>('POST', 'login', { code, codeVerifier, redirectUri }),
  run: () => request<RunView>('GET', 'run'),
  check: () => request<Check>('GET', 'run/check'),
  token: (clientId: string, clientSecret: string) => request<{ access_token: string }>('POST', 'token', { clientId, clientSecret }),
  setup: (tenantName: string, token: string) => request<RunView>('POST', 'run/setup', { tenantName }, { authorization: `Bearer ${token}` }),
  install: () => request<RunView>('POST', 'run/install'),
  uninstall: () => request<RunView>('POST', 'run/uninstall'),
};

const PKCE_KEY = 'hookline-install-pkce';
const b64url = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = (n: number): string => b64url(crypto.getRandomValues(new Uint8Array(n)));

/** The redirect URI registered for the wizard's Genesys client: this page, without query or fragment. */
export const redirectUri = (): string => `${location.origin}/install/`;

/** Leaves for the Genesys login with a fresh PKCE verifier (RFC 7636, S256) and state. */
export async function startLogin(authorizeUrl: string, clientId: string): Promise<void> {
  const verifier = random(32);
  const state = random(16);
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
  const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri(), code_challenge: challenge, code_challenge_method: 'S256', state });
  location.assign(`${authorizeUrl}?${q.toString()}`);
}

/** Back from the login: the code is redeemed by Hookline's server when the state matches; the URL is cleaned. */
export async function finishLogin(): Promise<RunView | undefined> {
  const q = new URLSearchParams(location.search);
  const code = q.get('code');
  if (!code && !q.get('error')) return undefined;
  history.replaceState(null, '', '/install/');
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as { verifier: string; state: string } | null;
  sessionStorage.removeItem(PKCE_KEY);
  if (q.get('error')) throw new Error(`Genesys refused the login: ${q.get('error_description') ?? q.get('error') ?? ''}`);
  if (!saved || saved.state !== q.get('state')) throw new Error('The login answer does not match the login this page started: log in again.');
  return installApi.login(code as string, saved.verifier, redirectUri());
}

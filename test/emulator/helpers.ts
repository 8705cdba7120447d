/**
 * Test helpers for the emulator: start one, log in as a seeded OAuth client,
 * call the Platform API over real HTTP, and listen on a notifications socket.
 */
import WebSocket from 'ws';
import { startEmulator, type EmulatorOptions, type RunningEmulator, type SeededOrg } from '../../src/emulator/index.js';
import { until } from '../helpers/until.js';

export { until };

export interface Api {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export async function emulator(o: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ idSeed: 'test', ...o });
}

export async function login(org: SeededOrg, client = org.clients[0]): Promise<string> {
  if (!client) throw new Error('org has no OAuth client');
  const res = await fetch(`${org.loginUrl}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`login failed: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

export async function api(org: { apiUrl: string }, token: string | undefined, method: string, path: string, body?: unknown): Promise<Api> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${org.apiUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // leave as text (malformed-JSON tests look at it)
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export type Json = Record<string, unknown>;

/** A notifications socket that records every frame. */
export class Listener {
  readonly frames: Json[] = [];
  closed: { code: number; reason: string } | undefined;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.frames.push(JSON.parse(String(d)) as Json));
    ws.on('close', (code, reason) => (this.closed = { code, reason: String(reason) }));
  }

  static open(uri: string): Promise<Listener> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(uri);
      const l = new Listener(ws);
      ws.once('open', () => resolve(l));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  events(topicPrefix = ''): Json[] {
    return this.frames.filter((f) => typeof f.topicName === 'string' && f.topicName.startsWith(topicPrefix) && f.topicName !== 'channel.metadata');
  }

  waitFor(pred: (f: Json) => boolean, ms = 5000, what = 'frame'): Promise<Json> {
    return until(() => this.frames.find(pred), ms, what);
  }

  waitClosed(ms = 5000): Promise<{ code: number; reason: string }> {
    return until(() => this.closed, ms, 'socket close');
  }

  close(): void {
    this.ws.close();
  }
}

/** Creates a channel, subscribes to `topics` and connects to it. */
export async function channelWith(org: SeededOrg, token: string, topics: string[]): Promise<{ id: string; listener: Listener }> {
  const ch = (await api(org, token, 'POST', '/api/v2/notifications/channels')).body as { id: string; connectUri: string };
  const sub = await api(org, token, 'PUT', `/api/v2/notifications/channels/${ch.id}/subscriptions`, topics.map((id) => ({ id })));
  if (sub.status !== 200) throw new Error(`subscribe failed: ${sub.status} ${sub.text}`);
  return { id: ch.id, listener: await Listener.open(ch.connectUri) };
}

/**
 * Who serves what: the read API and its OpenAPI document only on the admin
 * listener (with or without metrics), the Data Action only on the public one,
 * token first; and what the Data Action says about an admitted call, a held
 * one and an unknown one, read from the gate's record in shared state.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/api/index.js';
import type { Admission } from '../../src/capture/index.js';
import { LiveStore } from '../../src/conversations/index.js';
import { at, liveCall } from '../api/fixtures.js';
import { openSession, startTestServer, until, type TestServer } from '../helpers/server.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function tokenFor(t: TestServer, tenant: string, scope: 'read' | 'admin' = 'read'): Promise<string> {
  return (await new TokenStore(t.server.ctx.db).create(tenant, 'test', scope)).secret;
}

describe('admin and public listeners', () => {
  let t: TestServer;
  let token: string;
  beforeAll(async () => {
    t = await startTestServer();
    token = await tokenFor(t, t.orgId);
  });
  afterAll(() => t.stop());

  const admin = (path: string) => `${t.server.metrics?.baseUrl as string}${path}`;
  const action = (tenant: string) => `${t.server.url}/api/v1/actions/${tenant}/conversation-context`;
  const ask = (tenant: string, body: unknown, headers: Record<string, string> = bearer(token)) =>
    fetch(action(tenant), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('serves the read API and its document on the admin listener, never on the public port', async () => {
    expect((await fetch(admin('/api/v1/conversations'), { headers: bearer(token) })).status).toBe(200);
    expect((await fetch(`${t.server.url}/api/v1/conversations`, { headers: bearer(token) })).status).toBe(404);
    const doc = (await (await fetch(admin('/api/v1/openapi.json'))).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/conversations/{id}');
    expect((await fetch(`${t.server.url}/api/v1/openapi.json`)).status).toBe(404);
    // /metrics as before: on the admin listener, not on the public port, no HEAD route added.
    expect((await fetch(admin('/metrics'))).status).toBe(200);
    expect((await fetch(admin('/metrics'), { method: 'HEAD' })).status).toBe(404);
    expect((await fetch(`${t.server.url}/metrics`)).status).toBe(404);
  });

  it('refuses the Data Action without a valid token of that tenant, before reading the body', async () => {
    const id = randomUUID();
    expect((await ask(t.orgId, { conversationId: id }, {})).status).toBe(401);
    expect((await ask(t.orgId, { conversationId: id }, bearer(`hlk_${'x'.repeat(43)}`))).status).toBe(401);
    // A body far over the route's limit gets 401, not 413: nothing is read before the token is checked.
    expect((await ask(t.orgId, 'x'.repeat(200_000), {})).status).toBe(401);
    expect((await ask(t.otherOrgId, { conversationId: id })).status).toBe(404);
    const bad = await ask(t.orgId, { conversationId: 'nope' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^body\.conversationId: must be a UUID/);
  });

  it('serves the bot REST channel on the public listener only, token first, and documents it', async () => {
    const url = (base: string) => `${base}/api/v1/bot/${t.orgId}/messages`;
    const body = JSON.stringify({ sender: randomUUID(), event: 'session_start' });
    const headers = { 'content-type': 'application/json', ...bearer(token) };
    expect((await fetch(url(t.server.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(401);
    // The test tenant has no voicebot.rest.bot: a clear 404, not a bare one.
    const none = await fetch(url(t.server.url), { method: 'POST', headers, body });
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: string }).error).toMatch(/voicebot\.rest\.bot/);
    const onAdmin = await fetch(url(t.server.metrics?.baseUrl as string), { method: 'POST', headers, body });
    expect(onAdmin.status).toBe(404);
    expect(await onAdmin.text()).toMatch(/Route POST.* not found/);
    const doc = (await (await fetch(admin('/api/v1/openapi.json'))).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/api/v1/bot/{tenant}/messages');
  });

  it('answers found: false for a conversation it does not know (200, flat, no nulls)', async () => {
    const id = randomUUID();
    const r = await ask(t.orgId.toUpperCase(), { conversationId: id.toUpperCase() });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ conversationId: id, found: false, tracked: false, agentUserId: '', agentName: '', gateDecision: 'none', captureState: 'none', recording: false, lastEventType: '', lastEventAt: '' });
  });

  it('answers for a live admitted call: tracked, its agent, admitted, streaming, recording', async () => {
    const c = t.client();
    await openSession(c);
    const agent = randomUUID();
    // The live model has the call too (the tenant leader's snapshots would put it there).
    await liveCall(new LiveStore(t.server.ctx.db), t.orgId, c.conversationId, agent, at(1));
    try {
      const body = await until(async () => {
        const b = (await (await ask(t.orgId, { conversationId: c.conversationId })).json()) as Record<string, unknown>;
        return b.found === true && b;
      }, 5000, 'the session status');
      expect(body).toMatchObject({ conversationId: c.conversationId, found: true, tracked: true, agentUserId: agent, agentName: 'Alice Agent', gateDecision: 'admitted', captureState: 'streaming', recording: true, lastEventType: 'agent.connected', lastEventAt: at(1) });
      for (const v of Object.values(body)) expect(['string', 'boolean']).toContain(typeof v);
    } finally {
      c.close();
      await c.waitFor('closed');
    }
    await until(async () => ((await (await ask(t.orgId, { conversationId: c.conversationId })).json()) as { captureState: string }).captureState === 'ended', 5000, 'ended');
  });
});

describe('a held call, and the listener without metrics', () => {
  let t: TestServer;
  beforeAll(async () => {
    const hold: Admission = { decide: () => ({ type: 'hold' }) };
    t = await startTestServer({ metrics: { enabled: false } }, { admission: () => hold });
  });
  afterAll(() => t.stop());

  it('answers held, paused, not recording', async () => {
    const token = await tokenFor(t, t.orgId);
    const c = t.client();
    await openSession(c);
    try {
      const body = await until(async () => {
        const r = await fetch(`${t.server.url}/api/v1/actions/${t.orgId}/conversation-context`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(token) }, body: JSON.stringify({ conversationId: c.conversationId }) });
        const b = (await r.json()) as Record<string, unknown>;
        return b.found === true && b;
      }, 5000, 'the session status');
      expect(body).toMatchObject({ gateDecision: 'held', captureState: 'paused', recording: false, agentUserId: '' });
    } finally {
      c.close();
      await c.waitFor('closed');
    }
  });

  it('still serves the API on the admin listener with metrics disabled, without /metrics', async () => {
    const token = await tokenFor(t, t.orgId, 'admin');
    const base = t.server.metrics?.baseUrl as string;
    expect((await fetch(`${base}/api/v1/tokens`, { headers: bearer(token) })).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
  });
});

describe('with the API disabled', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ api: { enabled: false } });
  });
  afterAll(() => t.stop());

  it('serves neither the read API nor the Data Action; /metrics stays', async () => {
    const token = await tokenFor(t, t.orgId);
    const base = t.server.metrics?.baseUrl as string;
    expect((await fetch(`${base}/api/v1/conversations`, { headers: bearer(token) })).status).toBe(404);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
    const r = await fetch(`${t.server.url}/api/v1/actions/${t.orgId}/conversation-context`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(token) }, body: '{}' });
    expect(r.status).toBe(404);
  });
});

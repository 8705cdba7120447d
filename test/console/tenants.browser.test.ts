/**
 * The Tenants page in real Chromium against a real `hookline serve` and the
 * Genesys emulator: an admin tests the tenant's Genesys credentials (OK, then
 * a wrong secret shows Genesys's error), searches and picks the monitored
 * group, saves (the running server has the new settings), creates an
 * AudioHook key (secret shown once, and the key opens an AudioHook session),
 * rotates it and revokes the old one (refused afterwards). A viewer sees the
 * same page read-only. axe-core: zero serious or critical violations;
 * screenshots in test-results/console/.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { AudioHookClient } from '../../src/simulate/index.js';
import { TenantStore } from '../../src/tenants/index.js';
import { openSession } from '../helpers/server.js';
import { axeViolations, launchBrowser, screenshot, serious, startConsoleServer, type ConsoleServer } from './browser.js';

const PASSWORD = 'tenants browser password';
const POLL = { timeout: 10_000, interval: 50 };
const TOKEN = 'processor-token-0123456789';

describe('Tenants page in Chromium', () => {
  let s: ConsoleServer;
  let emu: RunningEmulator;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let processor: WebSocketServer;
  const orgId = randomUUID();

  beforeAll(async () => {
    [s, emu, browser] = await Promise.all([
      startConsoleServer(),
      startEmulator({ seed: { orgs: [{ id: orgId, name: 'Emulated Org', users: [{ name: 'Ann', email: 'ann@example.com' }], groups: [{ name: 'Sales Team', members: ['ann@example.com'] }, { name: 'Support' }] }] } }),
      launchBrowser(),
    ]);
    // A destination that upgrades only with its bearer token.
    processor = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: (info, cb) => cb(info.req.headers.authorization === `Bearer ${TOKEN}`, 401, 'Unauthorized') });
    await new Promise((r) => processor.once('listening', r));
    const org = emu.seeded[0]!;
    const c = org.clients[0]!;
    // Added as `hookline tenant add` does: a config file's tenant is read-only on this page.
    await s.t.server.ctx.tenants.upsertTenant(TenantStore.normalize({ orgId, name: 'Emulated Org', genesys: { clientId: c.clientId, clientSecret: c.clientSecret, apiUrl: org.apiUrl, loginUrl: org.loginUrl } }), 'cli');
    await s.t.server.tenants.refresh();
    await s.addUser('operator', PASSWORD, [{ tenant: orgId, role: 'admin' }]);
    await s.addUser('watcher', PASSWORD, [{ tenant: orgId, role: 'viewer' }]);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
    await emu?.stop();
    await new Promise((r) => (processor ? processor.close(r) : r(undefined)));
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
    page = await context.newPage();
  });
  afterEach(() => context.close());

  const openTenant = async (username: string) => {
    await page.goto(`${s.url}#/tenants`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Tenants', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Open Emulated Org' }).click();
    await page.getByRole('heading', { name: 'Genesys Cloud client' }).waitFor();
  };
  const checkAxe = async () => expect(serious(await axeViolations(page))).toEqual([]);

  it('admin: tests credentials, picks a group, edits destinations, saves', async () => {
    await openTenant('operator');
    await screenshot(page, 'tenants-detail');
    await checkAxe();

    const status = page.locator('#genesys-title ~ .toolbar [role=status]');
    await page.getByRole('button', { name: 'Test credentials' }).click();
    await expect.poll(() => status.textContent(), POLL).toContain('Genesys login: OK');
    await page.getByLabel('OAuth client secret').fill('not-the-secret');
    await page.getByRole('button', { name: 'Test credentials' }).click();
    await expect.poll(() => status.textContent(), POLL).toContain('invalid_client');
    await screenshot(page, 'tenants-credentials-refused');
    await page.getByLabel('OAuth client secret').fill('');

    const group = page.getByRole('combobox', { name: 'Group' });
    await group.fill('sal');
    await page.getByRole('option', { name: /Sales Team/ }).click();
    await expect.poll(() => group.inputValue(), POLL).toBe('Sales Team');
    await page.getByRole('radio', { name: 'Only calls of the monitored group' }).check({ force: true });
    await page.getByLabel('Gate timeout (seconds)').fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.getByLabel('Gate timeout (seconds)').getAttribute('aria-invalid'), POLL).toBe('true');
    await page.getByText('Not saved: body.gateTimeoutSeconds').waitFor();
    await screenshot(page, 'tenants-invalid');
    await checkAxe();
    await page.getByLabel('Gate timeout (seconds)').fill('30');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    const groupId = emu.seeded[0]!.groups.find((g) => g.name === 'Sales Team')!.id;
    expect(s.t.server.tenants.tenant(orgId)).toMatchObject({ admission: 'monitored-group', monitoredGroupId: groupId, gateTimeoutSeconds: 30 });
    // The stored client secret was kept (the field was left empty).
    expect(s.t.server.tenants.tenant(orgId)?.genesys?.clientSecret).toBe(emu.seeded[0]!.clients[0]!.clientSecret);
    // Back to admitting every call, so the key below opens a session without a monitored agent on a call.
    await page.getByRole('radio', { name: 'All calls' }).check({ force: true });
    await page.getByRole('button', { name: 'Save settings' }).click();
    await vi.waitFor(() => expect(s.t.server.tenants.tenant(orgId)?.admission).toBe('all'), POLL);

    await page.getByRole('button', { name: 'Add destination' }).click();
    await page.getByLabel('Destination 1 URL').fill(`ws://127.0.0.1:${(processor.address() as { port: number }).port}`);
    await page.getByLabel('Destination 1 name').fill('processor');
    await page.getByLabel('Destination 1 bearer token').fill('wrong-token');
    const destStatus = page.locator('.destination [role=status]');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => destStatus.textContent(), POLL).toContain('401');
    await page.getByLabel('Destination 1 bearer token').fill(TOKEN);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => destStatus.textContent(), POLL).toContain('Connection: OK');
    await screenshot(page, 'tenants-destination');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await vi.waitFor(() => expect(s.t.server.tenants.tenant(orgId)?.downstream).toEqual([expect.objectContaining({ name: 'processor', bearerToken: TOKEN })]), POLL);
    // The page got the token back masked only (the server stores the save before the page reads
    // its answer, so wait for the page), and an empty field kept it at the next save.
    await expect.poll(() => page.content(), POLL).not.toContain(TOKEN);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => destStatus.textContent(), POLL).toContain('Connection: OK');

  }, 60_000);

  it('admin: edits the real-time guidance rules (a bad rule is refused naming its field), saves', async () => {
    await openTenant('operator');
    await page.getByRole('heading', { name: 'Real-time guidance' }).waitFor();
    await page.getByRole('checkbox', { name: /Analyse admitted calls live/ }).check({ force: true });
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByLabel('Rule 1 name').fill('long-silence');
    await page.getByLabel('Rule 1 minimum (seconds)').fill('5');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByLabel('Rule 2 name').fill('Churn Risk');
    await page.getByRole('radiogroup', { name: 'Rule 2 kind' }).getByRole('radio', { name: 'Phrase' }).check({ force: true });
    await page.getByLabel('Rule 2 phrases').fill('cancel my contract\nclose my account');
    await page.getByRole('radiogroup', { name: 'Rule 2 party' }).getByRole('radio', { name: 'Customer' }).check({ force: true });
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.getByLabel('Rule 2 name').getAttribute('aria-invalid'), POLL).toBe('true');
    await page.getByText('Not saved: body.guidance.rules.1.name').waitFor();
    await screenshot(page, 'tenants-guidance-invalid');
    await checkAxe();
    await page.getByLabel('Rule 2 name').fill('churn-risk');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    expect(s.t.server.tenants.tenant(orgId)?.guidance).toEqual({
      enabled: true,
      transcripts: false,
      rules: [
        { name: 'long-silence', kind: 'silence', minSeconds: 5 },
        { name: 'churn-risk', kind: 'phrase', phrases: ['cancel my contract', 'close my account'], party: 'customer' },
      ],
    });
    // Shown again as saved after a reload.
    await page.reload();
    await page.getByRole('heading', { name: 'Tenants', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Open Emulated Org' }).click();
    await expect.poll(() => page.getByLabel('Rule 2 phrases').inputValue(), POLL).toBe('cancel my contract\nclose my account');
    await screenshot(page, 'tenants-guidance');
    await checkAxe();
  }, 60_000);

  it('admin: creates a key (secret once, it opens an AudioHook session), rotates it and revokes the old one', async () => {
    await openTenant('operator');
    await page.getByLabel('New key label').fill('genesys integration');
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await screenshot(page, 'tenants-key-secret');
    await checkAxe();
    const apiKey = (await page.getByTestId('new-api-key').textContent()) ?? '';
    const secret = (await page.getByTestId('new-secret').textContent()) ?? '';
    expect(Buffer.from(secret, 'base64')).toHaveLength(32);
    await dialog.getByRole('button', { name: 'I have copied them' }).click();
    await dialog.waitFor({ state: 'detached' });
    // Shown once: the table and the page hold only the masked key now.
    expect(await page.content()).not.toContain(secret);
    expect(await page.content()).not.toContain(apiKey);
    const client = (key: string) => new AudioHookClient({ url: s.t.wsUrl, apiKey: key, clientSecret: secret, orgId });
    const first = client(apiKey);
    await openSession(first);
    first.terminate();

    await page.getByRole('button', { name: `Rotate key …${apiKey.slice(-4)}` }).click();
    await dialog.waitFor();
    await expect.poll(() => dialog.getByRole('heading').textContent(), POLL).toBe('Replacement AudioHook key');
    const rotated = (await page.getByTestId('new-api-key').textContent()) ?? '';
    await dialog.getByRole('button', { name: 'I have copied them' }).click();
    expect(s.t.server.tenants.lookup(rotated)).toBeDefined();
    expect(s.t.server.tenants.lookup(apiKey)).toBeDefined();

    // Revoke asks first: Cancel keeps the key, the second press revokes it.
    await page.getByRole('button', { name: `Revoke key …${apiKey.slice(-4)}` }).click();
    await page.getByRole('button', { name: `Keep key …${apiKey.slice(-4)}` }).click();
    await page.getByRole('button', { name: `Revoke key …${apiKey.slice(-4)}` }).click();
    expect(s.t.server.tenants.lookup(apiKey), 'not revoked before the confirmation').toBeDefined();
    await page.getByRole('button', { name: `Confirm: revoke key …${apiKey.slice(-4)}, refusing new connections with it` }).click();
    await page.getByText(`Key …${apiKey.slice(-4)} revoked`).waitFor();
    await screenshot(page, 'tenants-keys');
    await checkAxe();
    expect(s.t.server.tenants.lookup(apiKey)).toBeUndefined();
    const refused = client(apiKey);
    await expect(openSession(refused)).rejects.toThrow();
    refused.terminate();
  }, 60_000);

  it('viewer: the same page, read-only', async () => {
    await openTenant('watcher');
    await page.getByText('read-only (viewer)').waitFor();
    expect(await page.getByRole('button', { name: 'Save settings' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Test credentials' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    expect(await page.getByLabel('OAuth client id').getAttribute('readonly')).not.toBeNull();
    await screenshot(page, 'tenants-viewer');
    await checkAxe();
  });
});

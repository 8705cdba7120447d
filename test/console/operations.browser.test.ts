/**
 * The Events and Ingest pages in real Chromium against a real `hookline serve`:
 * a webhook delivery that failed (its receiver answered 500 until the retry
 * window ran out) is redelivered from the page and shows delivered; a dead
 * letter (an import for a tenant without Genesys credentials) is retried from
 * the page and goes through the queue again. axe-core: zero serious or
 * critical violations; screenshots in test-results/console/.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { allTables } from '../../src/app/database.js';
import { queueNames } from '../../src/ingest/index.js';
import { DeliveryStore } from '../../src/webhooks/index.js';
import { startReceiver, type TestReceiver } from '../webhooks/receiver.js';
import { axeViolations, launchBrowser, screenshot, serious, startConsoleServer, type ConsoleServer } from './browser.js';

const PASSWORD = 'operations browser password';
const POLL = { timeout: 10_000, interval: 50 };

describe('Events and Ingest pages in Chromium', () => {
  let s: ConsoleServer;
  let browser: Browser;
  let receiver: TestReceiver;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    receiver = await startReceiver(() => 500);
    const webhooks = [{ name: 'crm', url: receiver.url, secret: `whsec_${randomBytes(32).toString('base64')}`, events: ['*'] }];
    // A short retry window: the event is marked failed within a second of its first attempt.
    const fast = { webhooks: { sweepIntervalSeconds: 0.1, retryForSeconds: 0.3, retryBaseSeconds: 0.05, retryMaxSeconds: 0.1 } };
    [s, browser] = await Promise.all([startConsoleServer(fast, { webhooks }), launchBrowser()]);
    await s.addUser('operator', PASSWORD, [{ tenant: s.t.orgId, role: 'admin' }]);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
    await receiver?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1300, height: 800 } });
    page = await context.newPage();
  });
  afterEach(() => context.close());

  const open = async (hash: string, heading: string) => {
    await page.goto(`${s.url}#/${hash}`);
    await page.getByLabel('Username').fill('operator');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  };

  it('Events: a failed delivery is redelivered and shows delivered', async () => {
    const db = s.t.server.ctx.db;
    const orgId = s.t.orgId;
    const conversationId = randomUUID();
    const now = new Date().toISOString();
    await allTables(db)
      .insertInto('conversation_events')
      .values({ tenant_id: orgId, conversation_id: conversationId, seq: 1, type: 'conversation.created', occurred_at: now, recorded_at: now, payload: JSON.stringify({ version: 1, tenant: orgId, conversationId, seq: 1, type: 'conversation.created', occurredAt: now }) })
      .execute();
    const log = new DeliveryStore(db);
    await vi.waitFor(async () => expect((await log.list({ tenant: orgId }, 5)).map((d) => d.status)).toEqual(['failed']), POLL);
    receiver.respond = () => 200;

    await open('events', 'Events');
    const row = page.getByRole('row').filter({ hasText: conversationId });
    await row.getByText('failed', { exact: true }).waitFor();
    await screenshot(page, 'events');
    expect(serious(await axeViolations(page))).toEqual([]);

    await row.getByRole('button', { name: /^Redeliver/ }).click();
    await page.getByRole('status').filter({ hasText: 'queued for crm again' }).waitFor();
    // The page shows what the server has; Refresh until the dispatcher's send is logged.
    await vi.waitFor(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await row.getByText('delivered', { exact: true }).waitFor({ timeout: 500 });
    }, POLL);
    expect(receiver.requests.at(-1)?.status).toBe(200);
    await screenshot(page, 'events-redelivered');
  });

  it('Ingest: a dead letter is shown with its reason and retried', async () => {
    const { server, orgId, config } = s.t;
    const queue = queueNames(config.namespace).ingest;
    const conversationId = randomUUID();
    await server.queue.publish(queue, { tenant: orgId, conversationId, endedAt: new Date().toISOString(), source: 'ended' });
    const dead = async () => (await server.queue.deadLetters<{ conversationId: string }>(queue)).find((l) => l.payload.conversationId === conversationId);
    await vi.waitFor(async () => expect(await dead()).toBeDefined(), POLL);
    const first = (await dead())?.failedAt.getTime() ?? 0;

    await open('ingest', 'Ingest');
    const row = page.getByRole('row', { name: new RegExp(conversationId) });
    await row.getByText(`tenant ${orgId} has no Genesys credentials`).waitFor();
    await screenshot(page, 'ingest');
    expect(serious(await axeViolations(page))).toEqual([]);

    await row.getByRole('button', { name: `Retry ${conversationId}` }).click();
    await page.getByRole('status').filter({ hasText: `Conversation ${conversationId} queued for import again.` }).waitFor();
    // It went through the queue again: the importer refused it once more, a later failure.
    await vi.waitFor(async () => expect((await dead())?.failedAt.getTime()).toBeGreaterThan(first), POLL);
  });
});

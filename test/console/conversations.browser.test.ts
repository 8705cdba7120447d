/**
 * The Conversations page in real Chromium against a real `hookline serve`: a
 * conversation with an analytics record (participants, segments with a hold)
 * and an imported recording, stored through the conversation store and object
 * storage as ingest writes them, and a live capture made by a real AudioHook
 * session through the recorder. The operator searches by name, opens it, sees
 * participants and the timeline, and plays the imported recording and the live
 * capture (currentTime advances: the media routes served playable audio).
 * axe-core: zero serious or critical violations; screenshots in test-results/console/.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { allTables } from '../../src/app/database.js';
import { toneUlaw } from '../../src/audio/index.js';
import { ConversationStore, normalize } from '../../src/conversations/index.js';
import { importedRecording, toneWav } from '../api/media-fixtures.js';
import { openSession } from '../helpers/server.js';
import { axeViolations, launchBrowser, screenshot, serious, startConsoleServer, type ConsoleServer } from './browser.js';

const PASSWORD = 'conversations browser password';
const POLL = { timeout: 15_000, interval: 100 };
/** 20 ms of 8 kHz stereo µ-law: what the client's default offer (external + internal) streams per frame. */
const FRAME_BYTES = 320;

const iso = (t: number) => new Date(t).toISOString();

describe('Conversations page in Chromium', () => {
  let s: ConsoleServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const conversationId = randomUUID();
  const agentId = randomUUID();
  const recordingId = randomUUID();

  /** An analytics record as ingest stores it: a customer, and an agent who put the call on hold. */
  async function seedImported(orgId: string, start: number): Promise<void> {
    const store = new ConversationStore(s.t.server.ctx.db);
    const seg = (type: string, from: number, to: number) => ({ segmentType: type, segmentStart: iso(start + from * 1000), segmentEnd: iso(start + to * 1000) });
    await store.replace(
      normalize(
        orgId,
        {
          conversationId,
          conversationStart: iso(start),
          conversationEnd: iso(start + 55_000),
          participants: [
            { participantId: randomUUID(), purpose: 'customer', participantName: 'Carol Customer', sessions: [{ sessionId: randomUUID(), mediaType: 'voice', direction: 'inbound', ani: 'tel:+15550100', segments: [seg('ivr', 0, 5), seg('interact', 5, 50)] }] },
            {
              participantId: randomUUID(),
              purpose: 'agent',
              userId: agentId,
              participantName: 'Alice Agent',
              sessions: [{ sessionId: randomUUID(), mediaType: 'voice', recording: true, segments: [seg('alert', 5, 8), seg('interact', 8, 20), seg('hold', 20, 30), seg('interact', 30, 50), seg('wrapup', 50, 55)] }],
            },
          ],
        },
        iso(start),
      ),
    );
    await importedRecording(store, s.t.server.ctx.objects, orgId, conversationId, recordingId, toneWav(3, 2));
    await store.markImported(orgId, conversationId, 1, iso(Date.now()));
    const event = { version: 1, tenant: orgId, conversationId, seq: 1, type: 'conversation.created', occurredAt: iso(start) };
    await allTables(s.t.server.ctx.db)
      .insertInto('conversation_events')
      .values({ tenant_id: orgId, conversation_id: conversationId, seq: 1, type: event.type, occurred_at: event.occurredAt, recorded_at: event.occurredAt, payload: JSON.stringify(event) })
      .execute();
  }

  /** A real AudioHook session for the conversation: the recorder writes its WAV and sidecar to object storage. */
  async function capture(orgId: string): Promise<void> {
    const c = s.t.client({ conversationId });
    await openSession(c);
    const audio = toneUlaw([440, 660], 2);
    for (let o = 0; o + FRAME_BYTES <= audio.length; o += FRAME_BYTES) c.tick(audio.subarray(o, o + FRAME_BYTES));
    c.close();
    await c.waitFor('closed');
    const sidecar = async () => {
      for await (const k of s.t.server.ctx.objects.list(`recordings/${orgId}/`)) if (k.endsWith(`${c.sessionId}.json`)) return true;
      return false;
    };
    await vi.waitFor(async () => expect(await sidecar()).toBe(true), POLL);
  }

  beforeAll(async () => {
    [s, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
    await s.addUser('operator', PASSWORD, [{ tenant: s.t.orgId, role: 'viewer' }]);
    await seedImported(s.t.orgId, Date.now() - 120_000);
    await capture(s.t.orgId);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  });
  afterEach(() => context.close());

  const login = async () => {
    await page.goto(`${s.url}#/conversations`);
    await page.getByLabel('Username').fill('operator');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Conversations', level: 1 }).waitFor();
  };

  /** Presses play (the element's own play(), as its control does) and waits for playback to advance. */
  const playsBack = async (audio: Locator) => {
    await audio.evaluate((a) => (a as { play(): Promise<void> }).play());
    await vi.waitFor(async () => expect(await audio.evaluate((a) => (a as { currentTime: number }).currentTime)).toBeGreaterThan(0), POLL);
    await audio.evaluate((a) => (a as { pause(): void }).pause());
  };

  it('searches, opens a conversation, shows participants and timeline, and plays both recordings', async () => {
    await login();
    await page.getByLabel('Text').fill('alice');
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.getByRole('row').filter({ hasText: conversationId });
    await row.waitFor();
    await expect(page.getByRole('row').filter({ hasText: /imported|live|ended/ }).count()).resolves.toBe(1);
    await screenshot(page, 'conversations-search');
    expect(serious(await axeViolations(page))).toEqual([]);

    // Chromium fetches media by range (`bytes=0-` first): the routes answer 206, which is what lets it seek.
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/media?')) statuses.push(r.status());
    });
    // Keyboard only: Tab from Search into the results, Enter on the row opens it.
    await page.getByRole('button', { name: 'Search' }).focus();
    await page.keyboard.press('Tab');
    await expect(row.evaluate((r) => r === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)).resolves.toBe(true);
    await page.keyboard.press('Enter');
    const title = page.getByRole('heading', { name: `Conversation ${conversationId}` });
    await title.waitFor();
    // Focus moves to the detail's heading: the row pressed is gone.
    await expect(title.evaluate((h) => h === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)).resolves.toBe(true);

    const participants = page.getByRole('grid', { name: 'Participants' });
    await participants.getByRole('row').filter({ hasText: 'Alice Agent' }).filter({ hasText: 'agent' }).waitFor();
    await participants.getByRole('row').filter({ hasText: 'Carol Customer' }).filter({ hasText: 'customer' }).waitFor();
    await page.getByRole('img', { name: /Timeline/ }).waitFor();
    const segments = page.getByRole('list', { name: 'Segments' });
    await expect(segments.getByRole('listitem').filter({ hasText: 'agent: Alice Agent: hold' }).textContent()).resolves.toContain('(10 s)');
    await expect(segments.getByRole('listitem').count()).resolves.toBe(7);

    const imported = page.getByRole('region', { name: 'Imported recording' }).locator('audio');
    const live = page.getByRole('region', { name: 'Live capture' }).locator('audio');
    await expect(imported.count()).resolves.toBe(1);
    await expect(live.count()).resolves.toBe(1);
    await page.getByRole('list', { name: 'Events' }).getByRole('listitem').filter({ hasText: 'conversation.created #1' }).waitFor();
    // conversations.png is also the shell test's (search view) when it runs later; the detail keeps a name of its own.
    await screenshot(page, 'conversations');
    await screenshot(page, 'conversations-detail');
    expect(serious(await axeViolations(page))).toEqual([]);

    await playsBack(imported);
    await playsBack(live);
    expect(statuses).toContain(206);
    expect(statuses.filter((st) => st !== 200 && st !== 206)).toEqual([]);
  }, 60_000);
});

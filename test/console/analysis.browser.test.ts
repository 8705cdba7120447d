/**
 * The Analysis section of a conversation in real Chromium against a real
 * `hookline serve`: a conversation imported with a recording (stored as ingest
 * writes it) and analysed (AnalysisStore.save, as the post-call worker does).
 * The operator sees the figures, findings, phrases and live vs post-call; an
 * admin analyses it again, sees the job queued, and the serve's own post-call
 * worker analyses the stored recording, so the runs count grows; a viewer has
 * no button; a conversation without analysis says so. axe-core: zero serious
 * or critical violations; screenshot test-results/console/conversation-analysis.png.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AnalysisStore, type PostCallAnalysis } from '../../src/analysis/index.js';
import { ConversationStore, normalize } from '../../src/conversations/index.js';
import { importedRecording, toneWav } from '../api/media-fixtures.js';
import { axeViolations, launchBrowser, screenshot, serious, startConsoleServer, type ConsoleServer } from './browser.js';

const PASSWORD = 'analysis browser password';
const iso = (t: number) => new Date(t).toISOString();

const party = (talkMs: number, talkRatio: number, interruptions: number, speechLevelDb: number) => ({ talkMs, talkRatio, interruptions, utterances: 4, syllablesPerSecond: 3.1, speechLevelDb, peakDb: -3, clippedSamples: 0 });

const ANALYSIS: PostCallAnalysis = {
  importVersion: 'v1',
  recordings: [],
  metrics: { durationMs: 62_000, parties: { customer: party(21_000, 0.42, 1, -24.5), agent: party(29_000, 0.58, 3, -20.25) }, silenceMs: 14_500, longestSilenceMs: 9_400, overtalkMs: 2_500 },
  phrases: [{ party: 'customer', phrase: 'cancel my account', text: 'i want to cancel my account', startMs: 12_000, endMs: 14_000 }],
  findings: [
    { rule: 'long-silence', kind: 'silence', startMs: 31_000, endMs: 40_400, evidence: { seconds: 9.4 } },
    { rule: 'agent-talks-too-much', kind: 'talk-ratio', party: 'agent', startMs: 0, endMs: 62_000, evidence: { ratio: 0.58 } },
  ],
};

const delta = (live: number, postCall: number) => ({ live, postCall, delta: postCall - live });
const COMPARISON = {
  liveSessions: 1,
  metrics: { durationMs: delta(55_000, 62_000), silenceMs: delta(14_000, 14_500), longestSilenceMs: delta(9_400, 9_400), overtalkMs: delta(2_500, 2_500), talkMs: { customer: delta(21_000, 21_000), agent: delta(29_000, 29_000) } },
  findings: { alignmentMs: 7_000, matched: 1, liveOnly: [{ rule: 'cancel-intent', startMs: 5_000, endMs: 7_000 }], postCallOnly: [{ rule: 'agent-talks-too-much', startMs: 0, endMs: 62_000 }] },
};

describe('Conversation analysis in Chromium', () => {
  let s: ConsoleServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const analysed = randomUUID();
  const notAnalysed = randomUUID();
  /** The viewer's: the admin's test analyses `analysed` again (its findings change). */
  const viewed = randomUUID();

  /** A conversation as ingest stores it: an analytics record, an imported recording, marked imported. */
  async function seedImported(orgId: string, conversationId: string, start: number): Promise<void> {
    const store = new ConversationStore(s.t.server.ctx.db);
    const seg = (from: number, to: number) => ({ segmentType: 'interact', segmentStart: iso(start + from * 1000), segmentEnd: iso(start + to * 1000) });
    await store.replace(
      normalize(
        orgId,
        {
          conversationId,
          conversationStart: iso(start),
          conversationEnd: iso(start + 62_000),
          participants: [
            { participantId: randomUUID(), purpose: 'customer', participantName: 'Carol Customer', sessions: [{ sessionId: randomUUID(), mediaType: 'voice', direction: 'inbound', segments: [seg(0, 62)] }] },
            { participantId: randomUUID(), purpose: 'agent', userId: randomUUID(), participantName: 'Alice Agent', sessions: [{ sessionId: randomUUID(), mediaType: 'voice', recording: true, segments: [seg(0, 62)] }] },
          ],
        },
        iso(start),
      ),
    );
    await importedRecording(store, s.t.server.ctx.objects, orgId, conversationId, randomUUID(), toneWav(2, 2));
    await store.markImported(orgId, conversationId, 1, iso(Date.now()));
  }

  beforeAll(async () => {
    [s, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
    const tenant = s.t.orgId;
    await s.addUser('analyst', PASSWORD, [{ tenant, role: 'admin' }]);
    await s.addUser('watcher', PASSWORD, [{ tenant, role: 'viewer' }]);
    await seedImported(tenant, analysed, Date.now() - 300_000);
    await seedImported(tenant, notAnalysed, Date.now() - 200_000);
    await seedImported(tenant, viewed, Date.now() - 100_000);
    const analyses = new AnalysisStore(s.t.server.ctx.db);
    await analyses.save(tenant, analysed, 'done', ANALYSIS, COMPARISON, iso(Date.now() - 60_000));
    await analyses.save(tenant, viewed, 'done', ANALYSIS, null, iso(Date.now() - 60_000));
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

  const open = async (username: string, conversationId: string) => {
    await page.goto(`${s.url}#/conversations`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Conversations', level: 1 }).waitFor();
    await page.getByLabel('Text').fill(conversationId);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: `Open ${conversationId}` }).click();
    await page.getByRole('heading', { name: `Conversation ${conversationId}` }).waitFor();
    return page.getByRole('region', { name: 'Analysis' });
  };

  const rowText = async (table: string, header: string) => (await page.getByRole('table', { name: table }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: header, exact: true }) }).textContent()) ?? '';

  it('shows the figures, findings, phrases and live vs post-call; an admin analyses again and the runs grow', async () => {
    const section = await open('analyst', analysed);
    await section.getByText('Runs').waitFor();
    await expect(section.locator('dd').nth(2).textContent()).resolves.toBe('1');
    expect(await rowText('Per party', 'agent')).toMatch(/29\.0 s.*58 %.*3.*-20\.3 dBFS/);
    expect(await rowText('Per party', 'customer')).toMatch(/21\.0 s.*42 %.*1.*-24\.5 dBFS/);
    await section.getByText('14.5 s in all, longest 9.4 s').waitFor();
    await section.getByRole('definition').filter({ hasText: /^2\.5 s$/ }).waitFor();
    expect(await rowText('Findings', 'long-silence')).toMatch(/silence.*00:31–00:40.*seconds: 9\.4/);
    expect(await rowText('Findings', 'agent-talks-too-much')).toMatch(/talk-ratio.*agent.*00:00–01:02.*ratio: 0\.58/);
    expect(await rowText('Phrases', 'cancel my account')).toMatch(/customer.*00:12–00:14.*i want to cancel my account/);
    expect(await rowText('Live vs post-call', 'Duration')).toMatch(/55\.0 s.*62\.0 s.*\+7\.0 s/);
    await section.getByText('cancel-intent 00:05–00:07').waitFor();
    await section.getByText('agent-talks-too-much 00:00–01:02').waitFor();
    await section.getByText(/^\+7\.0 s \(post-call offset/).waitFor();
    await screenshot(page, 'conversation-analysis');
    expect(serious(await axeViolations(page))).toEqual([]);

    // Keyboard: the button is reachable and Enter presses it.
    await section.getByRole('button', { name: 'Analyse again' }).focus();
    await page.keyboard.press('Enter');
    await section.getByRole('status').filter({ hasText: 'Re-analysis queued' }).waitFor();
    // The serve's post-call worker analyses the stored (tone) recording again: run 2.
    await section.getByRole('status').filter({ hasText: 'Analysed again: run 2.' }).waitFor({ timeout: 30_000 });
    await expect(section.locator('dd').nth(2).textContent()).resolves.toBe('2');
    expect(serious(await axeViolations(page))).toEqual([]);
  }, 60_000);

  it('a viewer sees the analysis without the button; a conversation without one says so', async () => {
    const section = await open('watcher', viewed);
    await section.getByRole('table', { name: 'Findings' }).waitFor();
    await section.getByText('The call was not analysed live: nothing to compare.').waitFor();
    await expect(section.getByRole('button', { name: 'Analyse again' }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Back to search' }).click();
    await page.getByLabel('Text').fill(notAnalysed);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: `Open ${notAnalysed}` }).click();
    await page.getByRole('region', { name: 'Analysis' }).getByText(/^Not analysed/).waitFor();
    expect(serious(await axeViolations(page))).toEqual([]);
  }, 60_000);
});

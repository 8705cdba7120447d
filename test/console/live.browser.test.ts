/**
 * The Live and Notifications pages in real Chromium against the whole system:
 * the Genesys emulator places calls for two monitored agents, Hookline's gate
 * admits them, and the pages, fed only by the documented SSE routes, show the
 * call with its agent and level meters that move, and the common events as
 * the tenant leader commits them; the agent filter hides the other agent's.
 * axe-core: zero serious or critical violations; screenshots live-calls.png and
 * notifications-feed.png in test-results/console/ (the page tour of console.browser.test.ts writes live.png and notifications.png).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsChannel } from '../../src/api/index.js';
import { UserStore } from '../../src/console/index.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { axeViolations, buildConsoleApp, launchBrowser, screenshot, serious } from './browser.js';

const PASSWORD = 'live browser password';
const WAIT = { timeout: 30_000 };

describe('Live and Notifications pages in Chromium', () => {
  let s: Stack;
  let app: { dir: string; cleanup: () => void };
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    app = await buildConsoleApp();
    [s, browser] = await Promise.all([startStack({ agents: 2, monitored: 2, receiver: true, consoleAssets: app.dir }), launchBrowser()]);
    await new UserStore(s.t.server.ctx.db).add({ username: 'operator', password: PASSWORD, roles: [{ tenant: s.orgId, role: 'viewer' }] });
    await s.tracking();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await s?.stop();
    app?.cleanup();
  });

  const consoleUrl = () => `${s.t.server.metrics?.baseUrl ?? ''}/console/`;

  /** Opens a page on `hash`, logging in first when told (the context's later pages share the session cookie), and waits for its stream. */
  const open = async (hash: string, heading: string, logIn: boolean): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(`${consoleUrl()}#/${hash}`);
    if (logIn) {
      await page.getByLabel('Username').fill('operator');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
    }
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Live updates connected.' }).waitFor(WAIT);
    return page;
  };

  /** Both meters of a call, as the page exposes them to assistive technology. */
  const levels = async (page: Page, agent: string): Promise<string> =>
    (await Promise.all(['Customer', 'Agent'].map((ch) => page.getByRole('meter', { name: `${ch} level, ${agent}` }).getAttribute('aria-valuetext')))).join(' | ');

  it('shows a live call with its agent and moving levels, and notifications as they happen, filterable by agent', async () => {
    const live = await open('live', 'Live', true);
    const feed = await open('notifications', 'Notifications', false);
    const [a, b] = s.agents as [Stack['agents'][number], Stack['agents'][number]];
    const durations = { talkMs: 20_000, ivrMs: 300, queueMs: 300, alertMs: 500, acwMs: 300 };
    const [callA, callB] = await Promise.all([a, b].map((agent) => s.control.startCall(s.orgId, { scenario: 'inbound', agentIds: [agent.id], queueId: s.queueId, durations })));

    // Live: the call appears with the agent's name, admitted, forwarded to the receiver.
    const row = live.getByRole('row').filter({ hasText: a.name });
    await row.getByText('admitted', { exact: true }).first().waitFor(WAIT);
    await row.getByText('receiver').waitFor(WAIT);
    await live.getByRole('meter', { name: `Customer level, ${a.name}` }).waitFor();
    // The meters move: a reading differs from the first one seen (pushed about four times a second).
    await expect.poll(() => live.getByRole('meter', { name: `Customer level, ${a.name}` }).getAttribute('aria-valuetext'), { timeout: 30_000, interval: 100 }).toContain('dBFS');
    const first = await levels(live, a.name);
    await expect.poll(() => levels(live, a.name), { timeout: 15_000, interval: 100 }).not.toBe(first);
    await screenshot(live, 'live-calls');
    expect(serious(await axeViolations(live))).toEqual([]);

    // Notifications: both agents' agent.connected arrive; the filter keeps one agent's.
    const item = (agent: string) => feed.getByRole('listitem').filter({ hasText: `agent.connected — ${agent}` });
    await item(a.name).first().waitFor(WAIT);
    await item(b.name).first().waitFor(WAIT);
    await feed.getByRole('button', { name: /Agent/ }).click();
    await feed.getByRole('option', { name: a.name }).click();
    await item(b.name).first().waitFor({ state: 'detached', ...WAIT });
    expect(await item(a.name).count()).toBeGreaterThan(0);
    // The agent's calls' other events stay (conversation.created names no agent); the other call's go.
    await feed.getByRole('listitem').filter({ hasText: 'conversation.created' }).filter({ hasText: callA?.conversationId ?? '?' }).waitFor();
    expect(await feed.getByRole('listitem').filter({ hasText: callB?.conversationId ?? '?' }).count()).toBe(0);
    // A guidance event (published as a commit is: on the tenant's events channel) shows its rule, evidence and offset.
    const guidance = { version: 1, tenant: s.orgId, conversationId: callA?.conversationId, seq: 99, occurredAt: new Date().toISOString(), type: 'guidance.triggered', rule: 'Offer the survey', kind: 'phrase', party: 'agent', startMs: 65_000, endMs: 66_500, evidence: { phrase: 'anything else' }, agent: { userId: a.id, name: a.name }, source: 'live' };
    await s.t.server.state.publish(eventsChannel(s.orgId), JSON.stringify(guidance));
    const shown = feed.getByRole('listitem').filter({ hasText: 'Guidance: Offer the survey' });
    await shown.waitFor(WAIT);
    expect(await shown.textContent()).toMatch(/phrase, agent\).*1:05–1:06 into the call \(live\).*phraseanything else/);
    await screenshot(feed, 'notifications-feed');
    expect(serious(await axeViolations(feed))).toEqual([]);
  }, 150_000);
});

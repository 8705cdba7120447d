/**
 * The console in real Chromium against a real `hookline serve`: login (mouse
 * and keyboard only), the wrong password, the shell and the Tenants page,
 * logout, and axe-core with zero serious or critical violations on the pages.
 * Screenshots of each page go to test-results/console/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SCREENSHOTS, axeViolations, launchBrowser, screenshot, serious, startConsoleServer, type AxeViolation, type ConsoleServer } from './browser.js';

const PASSWORD = 'browser test password';

describe('console in Chromium', () => {
  let s: ConsoleServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const axe: Record<string, AxeViolation[]> = {};

  beforeAll(async () => {
    [s, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
    await s.addUser('operator', PASSWORD, [{ tenant: s.t.orgId, role: 'admin' }]);
  });
  afterAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(join(SCREENSHOTS, 'axe.json'), JSON.stringify(axe, null, 2));
    await browser?.close();
    await s?.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
    page = await context.newPage();
  });
  afterEach(() => context.close());

  const sessionCookies = async () => (await context.cookies()).filter((c) => c.name === 'hookline_session');
  const fillLogin = async (password: string) => {
    await page.getByLabel('Username').fill('operator');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
  };

  it('logs in with the right password and shows the shell with the tenant on the Tenants page', async () => {
    await page.goto(s.url);
    await page.getByRole('heading', { name: 'Hookline console' }).waitFor();
    await screenshot(page, 'login');
    axe.login = await axeViolations(page);
    expect(serious(axe.login)).toEqual([]);

    await fillLogin(PASSWORD);
    await page.getByRole('heading', { name: 'Tenants' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Pages' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Tenants', 'Live', 'Notifications', 'Ingest', 'Conversations', 'Events']);
    const row = page.getByRole('row', { name: /Test Org/ });
    await row.waitFor();
    expect(await row.textContent()).toContain(s.t.orgId);
    // The other tenant exists on the server, but this user has no role on it.
    expect(await page.getByRole('row', { name: /Other Org/ }).count()).toBe(0);
    const cookie = await sessionCookies();
    expect(cookie).toHaveLength(1);
    expect(cookie[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false });
    await screenshot(page, 'tenants');
    axe.tenants = await axeViolations(page);
    expect(serious(axe.tenants)).toEqual([]);

    for (const name of ['Live', 'Notifications', 'Ingest', 'Conversations', 'Events']) {
      await nav.getByRole('link', { name }).click();
      await page.getByRole('heading', { name }).waitFor();
      await screenshot(page, name.toLowerCase());
    }
  });

  it('shows an error for a wrong password and sets no cookie', async () => {
    await page.goto(s.url);
    await fillLogin('not the password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('wrong username or password');
    expect(await sessionCookies()).toEqual([]);
    expect(await page.getByRole('navigation', { name: 'Pages' }).count()).toBe(0);
    await screenshot(page, 'login-error');
    axe.loginError = await axeViolations(page);
    expect(serious(axe.loginError)).toEqual([]);
  });

  it('logs in with the keyboard only (Tab and Enter)', async () => {
    await page.goto(s.url);
    await page.getByRole('heading', { name: 'Hookline console' }).waitFor();
    const focused = () => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('name') ?? null);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('username');
    await page.keyboard.type('operator');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Tenants' }).waitFor();
    expect(await sessionCookies()).toHaveLength(1);
  });

  it('logs out: back to the login page, the session ended on the server', async () => {
    await page.goto(s.url);
    await fillLogin(PASSWORD);
    await page.getByRole('heading', { name: 'Tenants' }).waitFor();
    const [cookie] = await sessionCookies();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Hookline console' }).waitFor();
    expect(await sessionCookies()).toEqual([]);
    // The old cookie is dead on the server too, not only forgotten by the browser.
    const me = await fetch(`${s.url}api/me`, { headers: { cookie: `hookline_session=${cookie?.value ?? ''}` } });
    expect(me.status).toBe(401);
    await page.reload();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
  });
});

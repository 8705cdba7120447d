/**
 * The install wizard (/install/) in real Chromium against the Genesys emulator and a real
 * `hookline serve`: the whole flow by mouse (Genesys login by PKCE redirect, check, setup with
 * installer credentials, a refresh in the middle that resumes, install, summary, uninstall), then
 * the emulator is asked whether role, client, group and integration exist and the integration is
 * active; and the same flow with the keyboard only (Tab, Enter, Space). axe-core on every step
 * (zero serious or critical); a screenshot of every step in test-results/console/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, clientToken, startInstallStack, type InstallStack } from '../install/harness.js';
import { axeViolations, buildConsoleApp, launchBrowser, screenshot, serious } from './browser.js';

type Json = Record<string, unknown>;
let app: { dir: string; cleanup: () => void };
let browser: Browser;

beforeAll(async () => {
  [app, browser] = await Promise.all([buildConsoleApp(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  app?.cleanup();
});

/** A whole install in a real browser: a minute or more when the full suite loads both cores (the default test timeout is 30 s). */
const WHOLE_FLOW_MS = 180_000;

async function step(page: Page, name: string, shot?: string): Promise<void> {
  // Generous: the step after the login redirect exchanges the code and reads the org, slow on a loaded CI host.
  await page
    .getByRole('heading', { name, level: 1 })
    .waitFor({ timeout: 45_000 })
    .catch(async (err: Error) => {
      // Say where the page is instead: a login that never went through reads differently from a slow step.
      const h1 = await page.locator('h1').first().textContent({ timeout: 1000 }).catch(() => null);
      throw new Error(`step "${name}" never came: the page is ${page.url()} with heading ${JSON.stringify(h1)} (${err.message.split('\n')[0]})`);
    });
  if (shot) await screenshot(page, shot);
  expect(serious(await axeViolations(page)), `axe on ${name}`).toEqual([]);
}

async function genesys(s: InstallStack, path: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${s.org.apiUrl}${path}`, { headers: { authorization: `Bearer ${await clientToken(s.org)}` } });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Json };
}

/** What the wizard says it created exists in the emulator, and the integration is active (its probe passed). */
async function expectInstalled(s: InstallStack): Promise<void> {
  const find = async (path: string, name: string) => ((await genesys(s, `${path}?pageSize=100`)).body.entities as Json[]).find((e) => e.name === name);
  const role = await find('/api/v2/authorization/roles', 'Hookline AudioHook');
  const client = await find('/api/v2/oauth/clients', 'Hookline');
  const group = await find('/api/v2/groups', 'Hookline Monitored');
  const integration = await find('/api/v2/integrations', 'Hookline AudioHook');
  expect(role).toBeDefined();
  expect(client).toMatchObject({ authorizedGrantType: 'CLIENT-CREDENTIALS', roleIds: [role?.id] });
  expect(group).toBeDefined();
  expect(integration).toMatchObject({ intendedState: 'ENABLED', reportedState: expect.objectContaining({ code: 'ACTIVE' }) });
  expect(await s.t.server.ctx.tenants.getTenant(s.org.orgId)).toMatchObject({ genesys: { clientId: client?.id }, monitoredGroupId: group?.id });
}

describe('install wizard in Chromium', () => {
  it('by mouse: log in, check, set up, resume after a refresh, install, summary, uninstall', async () => {
    const s = await startInstallStack({ consoleAssets: app.dir });
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(`${s.adminUrl}/install/`);
      await step(page, 'Start', 'install-1-start');
      await page.getByRole('button', { name: 'Log in with Genesys Cloud' }).click();
      await page.getByLabel('Email').fill(ADMIN.email);
      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Log in' }).click();

      await step(page, 'Check configuration');
      await page.getByText('You hold every permission').waitFor();
      await screenshot(page, 'install-2-check');
      await page.getByRole('button', { name: 'Continue to setup' }).click();

      await step(page, 'Setup');
      await page.getByLabel('Hookline tenant name').fill('Customer');
      await page.getByLabel('Installer client id').fill(s.installer.id);
      await page.getByLabel('Installer client secret').fill('not the secret');
      await page.getByRole('button', { name: 'Verify and continue' }).click();
      await page.getByRole('alert').getByText('wrong installer client id or secret').waitFor();
      await screenshot(page, 'install-3-setup-refused');
      await page.getByLabel('Installer client secret').fill(s.installer.secret);
      await page.getByRole('button', { name: 'Verify and continue' }).click();
      await step(page, 'Install', 'install-4-install');

      // A refresh in the middle: the server's run brings the page back to Install.
      await page.reload();
      await step(page, 'Install');
      await page.getByRole('button', { name: 'Install', exact: true }).click();
      await step(page, 'Summary');
      await page.getByText('its connection probe passed').waitFor();
      await screenshot(page, 'install-5-summary');
      await expectInstalled(s);

      await page.getByRole('button', { name: 'Uninstall' }).click();
      await page.getByText('Uninstalled: everything the wizard had created was removed').waitFor();
      await screenshot(page, 'install-6-uninstalled');
      expect(serious(await axeViolations(page))).toEqual([]);
      const integrations = (await genesys(s, '/api/v2/integrations')).body.entities as Json[];
      expect(integrations.filter((i) => i.name === 'Hookline AudioHook')).toEqual([]);
      expect((await genesys(s, `/api/v2/groups/${s.own.groupId}`)).status).toBe(200);
    } finally {
      await context.close();
      await s.stop();
    }
  }, WHOLE_FLOW_MS);

  it('keyboard only: every step with Tab, Enter and Space', async () => {
    const s = await startInstallStack({ consoleAssets: app.dir });
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    try {
      const page = await context.newPage();
      /** Tabs until the focused element's accessible text or label is `name` (at most 25 presses). */
      const tabTo = async (name: string) => {
        for (let i = 0; i < 25; i++) {
          await page.keyboard.press('Tab');
          const focused = await page.evaluate(() => {
            const d = (globalThis as unknown as { document: { activeElement: { textContent: string | null; labels?: { textContent: string | null }[] | null } | null } }).document;
            const el = d.activeElement;
            return `${el?.labels?.[0]?.textContent ?? ''}|${el?.textContent ?? ''}`;
          });
          if (focused.split('|').some((t) => t.trim() === name)) return;
        }
        throw new Error(`Tab never reached "${name}"`);
      };
      await page.goto(`${s.adminUrl}/install/`);
      await step(page, 'Start');
      await tabTo('Log in with Genesys Cloud');
      await page.keyboard.press('Enter');
      await page.getByLabel('Email').waitFor();
      // The emulator's login form focuses Email itself (autofocus), but Chromium applies autofocus at its next
      // rendering update, which can come after the field is visible: typed any sooner, the keys went to the page,
      // the form was never submitted and the next step waited out its 45 s (CI, under full-suite load).
      await page.waitForFunction("document.activeElement !== null && document.activeElement.id === 'username'", undefined, { timeout: 15_000 });
      await page.keyboard.type(ADMIN.email);
      await page.keyboard.press('Tab');
      await page.keyboard.type(ADMIN.password);
      await page.keyboard.press('Enter');

      await step(page, 'Check configuration');
      await page.getByText('You hold every permission').waitFor();
      await tabTo('Continue to setup');
      await page.keyboard.press('Space');
      await step(page, 'Setup');
      await tabTo('Hookline tenant name');
      await page.keyboard.press('Control+A');
      await page.keyboard.type('Keyboard Customer');
      await page.keyboard.press('Tab');
      await page.keyboard.type(s.installer.id);
      await page.keyboard.press('Tab');
      await page.keyboard.type(s.installer.secret);
      await page.keyboard.press('Enter');
      await step(page, 'Install');
      await tabTo('Install');
      await page.keyboard.press('Enter');
      await step(page, 'Summary');
      await page.getByText('its connection probe passed').waitFor();
      await screenshot(page, 'install-keyboard-summary');
      await expectInstalled(s);
      expect((await s.t.server.ctx.tenants.getTenant(s.org.orgId))?.name).toBe('Keyboard Customer');
    } finally {
      await context.close();
      await s.stop();
    }
  }, WHOLE_FLOW_MS);
});

/**
 * The console's browser test harness: builds the app (Vite) into a temporary
 * directory, starts `hookline serve` in-process with the admin listener on
 * port 0 serving that build, creates a console user, drives Debian's
 * Chromium through playwright-core, saves a screenshot of every page it
 * visits to test-results/console/<page>.png, and runs axe-core in the page.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { UserStore, type TenantRole } from '../../src/console/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

export const CHROMIUM = process.env.HOOKLINE_CHROMIUM ?? '/usr/bin/chromium';
/** Flags for a closed network: without the background-networking ones Chromium dials Google's hosts at every start. */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const SCREENSHOTS = join(process.cwd(), 'test-results', 'console');

/** Builds the app from console/ (never a stale dist/console-app) into a temporary directory. */
export async function buildConsoleApp(): Promise<{ dir: string; cleanup: () => void }> {
  const t = tempDir('hookline-console-app-');
  await build({ configFile: join(process.cwd(), 'console', 'vite.config.ts'), logLevel: 'error', build: { outDir: t.dir, emptyOutDir: true } });
  return t;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (.ci/run does) or set HOOKLINE_CHROMIUM`);
  // launch() gives every browser a fresh, empty profile directory of its own (Playwright refuses --user-data-dir here).
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

export interface ConsoleServer {
  t: TestServer;
  /** http://127.0.0.1:<port>/console/ */
  url: string;
  addUser(username: string, password: string, roles: TenantRole[], globalAdmin?: boolean): Promise<void>;
  stop(): Promise<void>;
}

/** `overrides`: configuration merged over the test server's; `tenant`: merged into its first tenant. */
export async function startConsoleServer(overrides: Record<string, unknown> = {}, tenant: Record<string, unknown> = {}): Promise<ConsoleServer> {
  const app = await buildConsoleApp();
  try {
    const t = await startTestServer(overrides, { consoleAssets: app.dir, tenant });
    const base = t.server.metrics?.baseUrl;
    if (!base) throw new Error('the admin listener is not running');
    return {
      t,
      url: `${base}/console/`,
      addUser: async (username, password, roles, globalAdmin = false) => void (await new UserStore(t.server.ctx.db).add({ username, password, roles, globalAdmin })),
      stop: async () => {
        await t.stop();
        app.cleanup();
      },
    };
  } catch (err) {
    app.cleanup();
    throw err;
  }
}

/** Saves the page as test-results/console/<name>.png (name from the test, never from the page). */
export async function screenshot(page: Page, name: string): Promise<string> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`screenshot name: ${name}`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

const require = createRequire(import.meta.url);

let axeSource: string | undefined;

/**
 * axe-core's violations on the page as it is now (its default rules: WCAG 2.x A and AA, best practices).
 * axe is evaluated through the DevTools protocol, not added as a script tag: the console's CSP
 * (default-src 'self') rightly blocks an inline script, and the test must not weaken it (bypassCSP).
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // Runs in the page: its globals, typed here without the DOM library (the test code is Node's).
    const w = globalThis as unknown as { document: unknown; axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: AxeViolation[] }> } };
    const r = await w.axe.run(w.document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}

/** The serious and critical ones, as readable lines (an empty list is the pass). */
export const serious = (violations: AxeViolation[]): string[] =>
  violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);

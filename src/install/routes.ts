/**
 * The install wizard's API and page on the admin listener (docs/install.md). A run is named by the
 * HttpOnly cookie `hookline_install` that the Genesys login sets; Setup also needs the `hli_` token
 * from the installer credentials. State-changing requests with the cookie must be same-origin (as the
 * console's: src/console/routes.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Asset } from '../console/index.js';
import { CONSOLE_CSP, sameOrigin } from '../console/index.js';
import type { InstallerCredentials } from './credentials.js';
import { GenesysCallError } from './genesys.js';
import type { Run, RunStore } from './runs.js';
import { InstallError, STEPS, type InstallService } from './service.js';

export const INSTALL_COOKIE = 'hookline_install';

export const loginBody = z.strictObject({ code: z.string().min(1).max(2048), codeVerifier: z.string().min(43).max(128), redirectUri: z.url() });
export const tokenBody = z.strictObject({ clientId: z.string().min(1).max(64), clientSecret: z.string().min(1).max(256) });
export const setupBody = z.strictObject({ tenantName: z.string().min(1).max(200) });

export interface InstallRouteDeps {
  service: InstallService;
  runs: RunStore;
  credentials: InstallerCredentials;
  /** The wizard page: the console app's index.html (the app shows the wizard under /install/). */
  assets: Map<string, Asset>;
  /** Set the cookie's Secure flag (as `console.secureCookie` decides for the console's). */
  secure: (req: FastifyRequest) => boolean;
  apiUrl: string;
  /** `install.frameAncestors`: who may embed the page (a Genesys client app); empty = nobody. */
  frameAncestors: readonly string[];
}

/** The console's CSP, but framing allowed to the configured origins only (CSP Level 2, `frame-ancestors`). */
export function installCsp(frameAncestors: readonly string[]): string {
  return frameAncestors.length === 0 ? CONSOLE_CSP : CONSOLE_CSP.replace("frame-ancestors 'none'", `frame-ancestors ${frameAncestors.join(' ')}`);
}

/** What the wizard shows of a run: no secret, ever. */
export function runView(run: Run, apiUrl: string) {
  const c = run.state.created;
  const link = (path: string | undefined) => (path ? `${apiUrl}${path}` : null);
  return {
    runId: run.id,
    orgId: run.orgId,
    orgName: run.state.orgName,
    adminName: run.state.adminName,
    tenantName: run.tenantName,
    setupDone: run.credentialId !== null,
    steps: STEPS.map((s) => ({ step: s, done: run.state.steps.includes(s) })),
    installed: STEPS.every((s) => run.state.steps.includes(s)),
    integrationState: run.state.integrationState ?? null,
    uninstalledAt: run.state.uninstalledAt ?? null,
    created: {
      role: c.roleId ? { id: c.roleId, link: link(`/api/v2/authorization/roles/${c.roleId}`) } : null,
      oauthClient: c.clientId ? { id: c.clientId, link: link(`/api/v2/oauth/clients/${c.clientId}`) } : null,
      group: c.groupId ? { id: c.groupId, link: link(`/api/v2/groups/${c.groupId}`) } : null,
      credential: c.credentialId ? { id: c.credentialId, link: link(`/api/v2/integrations/credentials/${c.credentialId}`) } : null,
      integration: c.integrationId ? { id: c.integrationId, link: link(`/api/v2/integrations/${c.integrationId}`) } : null,
      tenant: { created: c.tenantCreated === true, apiKey: c.apiKeyHint ?? null },
    },
  };
}

function parsed<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  throw new InstallError(r.error.issues.map((i) => `body.${i.path.map(String).join('.')}: ${i.message}`).join('; '));
}

function cookieOf(req: FastifyRequest): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === INSTALL_COOKIE) return v.join('=');
  }
  return undefined;
}

const bearer = (req: FastifyRequest): string => {
  const h = req.headers.authorization ?? '';
  return h.length < 300 && h.startsWith('Bearer ') ? h.slice(7).trim() : '';
};

export function registerInstallRoutes(app: FastifyInstance, d: InstallRouteDeps): void {
  const fail = (reply: FastifyReply, err: unknown) => {
    if (err instanceof InstallError) return reply.code(err.status).send({ error: err.message });
    if (err instanceof GenesysCallError) return reply.code(502).send({ error: err.message });
    throw err;
  };
  /** The run the cookie names; POSTs must be same-origin. */
  const withRun = (fn: (run: Run, req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => async (req: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store');
    if (req.method !== 'GET' && !sameOrigin(req)) return reply.code(403).send({ error: 'cross-origin request refused' });
    const value = cookieOf(req);
    const run = value ? await d.runs.byCookie(value) : undefined;
    if (!run) return reply.code(401).send({ error: 'no install run: log in with Genesys Cloud first' });
    try {
      return await fn(run, req, reply);
    } catch (err) {
      return fail(reply, err);
    }
  };

  app.get('/api/v1/install/config', async (_req, reply) => reply.header('cache-control', 'no-store').send(d.service.loginInfo()));

  app.post('/api/v1/install/login', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    if (!sameOrigin(req)) return reply.code(403).send({ error: 'cross-origin request refused' });
    try {
      const { run, cookie } = await d.service.login(parsed(loginBody, req.body));
      // Framed inside Genesys, the page is a third party: only a SameSite=None cookie (which must be Secure) reaches it.
      const site = d.frameAncestors.length > 0 ? 'SameSite=None; Secure' : `SameSite=Strict${d.secure(req) ? '; Secure' : ''}`;
      reply.header('set-cookie', `${INSTALL_COOKIE}=${cookie}; HttpOnly; ${site}; Path=/api/v1/install; Max-Age=86400`);
      return reply.send(runView(run, d.apiUrl));
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.post('/api/v1/install/token', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      const b = parsed(tokenBody, req.body);
      const t = await d.credentials.token(b.clientId, b.clientSecret);
      if (!t) return reply.code(401).send({ error: 'wrong installer client id or secret (issued by your Hookline operator: hookline installer add)' });
      return reply.send({ access_token: t.token, token_type: 'bearer', expires_in: t.expiresIn });
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.get('/api/v1/install/run', withRun(async (run) => runView(run, d.apiUrl)));
  app.get('/api/v1/install/run/check', withRun(async (run) => d.service.check(run)));

  app.post(
    '/api/v1/install/run/setup',
    withRun(async (run, req, reply) => {
      const credentialId = await d.credentials.verify(bearer(req));
      if (!credentialId) return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'a valid installer token is required (POST /api/v1/install/token)' });
      const b = parsed(setupBody, req.body);
      return runView(await d.service.setup(run, credentialId, b.tenantName), d.apiUrl);
    }),
  );
  app.post('/api/v1/install/run/install', withRun(async (run) => runView(await d.service.install(run), d.apiUrl)));
  app.post('/api/v1/install/run/uninstall', withRun(async (run) => runView(await d.service.uninstall(run), d.apiUrl)));

  // The page: the console app's index.html, which shows the wizard under /install/.
  app.get('/install', async (_req, reply) => reply.redirect('/install/', 302));
  app.get('/install/', async (_req, reply) => {
    reply.header('content-security-policy', installCsp(d.frameAncestors)).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer').header('cache-control', 'no-cache');
    const index = d.assets.get('/console/index.html');
    if (!index) return reply.code(503).type('text/plain').send('the console app is not built: run npm run build');
    return reply.type(index.type).send(index.body);
  });
}

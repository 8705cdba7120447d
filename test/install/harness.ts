/**
 * The install wizard's test stack: the Genesys emulator with a customer org (an admin who can log
 * in, the wizard's PKCE client, objects the admin made themselves) and a Hookline server with the
 * wizard enabled, pointing at it, plus an installer credential. Real sockets throughout.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { startEmulator, type RunningEmulator, type SeededOrg } from '../../src/emulator/index.js';
import { ADMIN_PERMISSIONS, InstallerCredentials } from '../../src/install/index.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../helpers/server.js';

export const ADMIN = { email: 'ada@example.com', password: 'emulator-test-password' };
export const WIZARD_CLIENT = 'a0a0a0a0-0000-4000-8000-00000000c0de';

export interface InstallStack {
  emu: RunningEmulator;
  org: SeededOrg;
  t: TestServer;
  /** The admin listener's base URL, where /install/ is. */
  adminUrl: string;
  redirectUri: string;
  installer: { id: string; secret: string };
  /** Ids of what the admin made before the wizard ran: uninstall must leave them. */
  own: { groupId: string; roleId: string };
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

export async function startInstallStack(o: Pick<TestServerOptions, 'consoleAssets'> & { permissions?: string[]; /** AudioHook path Genesys is told to dial (a wrong one fails the probe). */ audioHookPath?: string } = {}): Promise<InstallStack> {
  const [publicPort, adminPort] = [await freePort(), await freePort()];
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const redirectUri = `${adminUrl}/install/`;
  const emu = await startEmulator({
    idSeed: `install-${randomBytes(4).toString('hex')}`,
    seed: {
      orgs: [
        {
          name: 'Customer Org',
          users: [{ name: 'Ada Admin', email: ADMIN.email, password: ADMIN.password, permissions: o.permissions ?? [...ADMIN_PERMISSIONS] }, { name: 'Agent One' }],
          groups: [{ name: 'Admin own group' }],
          oauthClients: [{ name: 'Backend' }, { id: WIZARD_CLIENT, name: 'Hookline install wizard', grant: 'code', redirectUris: [redirectUri] }],
        },
      ],
    },
  });
  const org = emu.seeded[0] as SeededOrg;
  const t = await startTestServer({
    server: { port: publicPort },
    metrics: { port: adminPort },
    install: { enabled: true, genesysClientId: WIZARD_CLIENT, apiUrl: org.apiUrl, loginUrl: org.loginUrl, connectionUri: `ws://127.0.0.1:${publicPort}${o.audioHookPath ?? '/api/v1/audiohook/ws'}`, probeTimeoutSeconds: 5 },
  }, o);
  const token = await clientToken(org);
  const role = await (await fetch(`${org.apiUrl}/api/v2/authorization/roles`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Admin own role' }) })).json() as { id: string };
  const installer = await new InstallerCredentials(t.server.ctx.db).add('test operator');
  return {
    emu,
    org,
    t,
    adminUrl,
    redirectUri,
    installer,
    own: { groupId: org.groups[0]?.id as string, roleId: role.id },
    async stop() {
      await t.stop();
      await emu.stop();
    },
  };
}

/** A client-credentials token of the org's backend client, to look at the org as the checks do. */
export async function clientToken(org: SeededOrg): Promise<string> {
  const c = org.clients[0] as { clientId: string; clientSecret: string };
  const res = await fetch(`${org.loginUrl}/oauth/token`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
  return ((await res.json()) as { access_token: string }).access_token;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

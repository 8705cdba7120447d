/**
 * What bench:voicebot runs against: the Genesys emulator in this process
 * (speed 1) with one org, `hookline serve` as a child process whose tenant has
 * the two connectors of the cases, and the org's audio-connector integration
 * installed through the Platform API, as the install wizard does.
 */
import { randomBytes } from 'node:crypto';
import { createGenesysClient } from '../../src/genesys/index.js';
import { startEmulator, type RunningEmulator, type SeededOrg } from '../../src/emulator/index.js';
import { startHookline, type RunningHookline } from '../gate/hookline.js';
import { sleep } from '../gate/processes.js';
import { SPEECH_DIR } from '../lib/paths.js';

/** Caller silence after the bot's audio before it gets `silence_timeout`: how keypad-only calls end by themselves. */
export const PROTOCOL_SILENCE_MS = 1500;

export interface VoicebotStack {
  emu: RunningEmulator;
  org: SeededOrg;
  hookline: RunningHookline;
  integrationId: string;
  stop(): Promise<void>;
}

function voicebot(): Record<string, unknown> {
  return {
    bots: [{ name: 'demo', type: 'demo' }],
    connectors: [
      // Both engines run for real: pocketsphinx in keyword mode from the demo bot's phrases, espeak-ng.
      { id: 'offline', bot: 'demo', asr: { engine: 'pocketsphinx', mode: 'keyword' }, tts: { engine: 'espeak-ng' } },
      // No recognizer: the caller presses keys; prompts come from espeak-ng's cache once warmed.
      { id: 'protocol', bot: 'demo', asr: { engine: 'none' }, tts: { engine: 'espeak-ng' }, timeouts: { silenceMs: PROTOCOL_SILENCE_MS } },
    ],
  };
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function install(emu: RunningEmulator, org: SeededOrg, hookline: RunningHookline, key: { apiKey: string; secret: string }): Promise<string> {
  const client = org.clients[0];
  if (!client) throw new Error('the emulator org has no OAuth client');
  const genesys = createGenesysClient({ clientId: client.clientId, clientSecret: client.clientSecret, region: 'mypurecloud.com', apiUrl: org.apiUrl, loginUrl: org.loginUrl });
  const base = `ws://127.0.0.1:${hookline.port}/api/v1/audioconnector/`;
  const integration = await genesys.integrations.installAudioConnector({ name: 'Hookline bots', baseConnectionUri: base, apiKey: key.apiKey, clientSecret: key.secret });
  await until('the audio-connector integration to pass its probe', 15_000, async () => (await emu.control.integration(org.orgId, integration.id)).reportedState === 'ACTIVE');
  return integration.id;
}

/** `hookline` pins Hookline (and the engine programs it runs, which inherit the mask) to that CPU. */
export async function startVoicebotStack(cpu: number | undefined): Promise<VoicebotStack> {
  const users = Array.from({ length: 10 }, (_, i) => ({ name: `Agent ${i + 1}`, email: `agent${i + 1}@example.com` }));
  const emu = await startEmulator({
    speed: 1,
    speechDir: SPEECH_DIR,
    seed: { settings: { log: { maxEntries: 50_000 } }, orgs: [{ name: 'Voicebot bench', users, queues: [{ name: 'Support' }], wrapupCodes: [{ name: 'Resolved' }] }] },
  });
  let hookline: RunningHookline | undefined;
  try {
    const org = emu.seeded[0];
    if (!org) throw new Error('the emulator seeded no org');
    const key = { apiKey: `bench-${randomBytes(8).toString('hex')}`, secret: randomBytes(32).toString('base64') };
    // No Genesys credentials: the tenant only answers AudioConnector sessions (no tracking load in the figures).
    const tenant = { orgId: org.orgId, name: 'Voicebot bench', apiKeys: [{ key: key.apiKey, secret: key.secret }], voicebot: voicebot() };
    // The session caps (voicebot.maxSessions, maxSessionsPerTenant) are what is measured here, not a limit to hit.
    hookline = await startHookline({ cpu, config: { tenants: [tenant], voicebot: { maxSessions: 10_000, maxSessionsPerTenant: 10_000 } } });
    const integrationId = await install(emu, org, hookline, key);
    const h = hookline;
    return {
      emu,
      org,
      hookline: h,
      integrationId,
      stop: async () => {
        await h.stop();
        await emu.stop();
      },
    };
  } catch (err) {
    await hookline?.stop();
    await emu.stop();
    throw err;
  }
}

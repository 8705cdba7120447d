/**
 * Tenant voice-bot settings: bad input is refused naming the key and why;
 * bot tokens and engine API keys are stored encrypted and shown masked.
 */
import { describe, expect, it } from 'vitest';
import { tenantSchema } from '../../src/tenants/index.js';
import { joinSecrets, splitSecrets } from '../../src/tenants/secrets.js';
import { redactTenant } from '../../src/cli/tenant-settings.js';

const orgId = 'd7934305-0972-4844-938e-9060eef73d05';
const RASA_TOKEN = 'rasa-token-0123456789abcdef';
const DG_KEY = 'dg-key-0123456789abcdefXYZW';
const RT_KEY = 'sk-realtime-0123456789abcdQRST';
const voicebot = () => ({
  bots: [
    { name: 'demo', type: 'demo' },
    { name: 'rasa', type: 'rasa', url: 'http://127.0.0.1:5005', token: RASA_TOKEN },
  ],
  connectors: [
    { id: 'support', bot: 'rasa', asr: { engine: 'deepgram', url: 'wss://asr.example.com/v1/listen', apiKey: DG_KEY } },
    { id: 'realtime', realtime: { engine: 'openai-realtime', url: 'wss://rt.example.com/v1/realtime', apiKey: RT_KEY } },
    { id: 'demo', bot: 'demo' },
  ],
  rest: { bot: 'rasa' },
});

function problems(v: unknown): string[] {
  const r = tenantSchema.safeParse({ orgId, name: 'Acme', voicebot: v });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('tenant voicebot settings', () => {
  it('fills offline defaults: pocketsphinx, espeak-ng, paced below Genesys limits', () => {
    const t = tenantSchema.parse({ orgId, name: 'Acme', voicebot: { bots: [{ name: 'demo', type: 'demo' }], connectors: [{ id: 'demo', bot: 'demo' }] } });
    const c = t.voicebot?.connectors[0];
    expect(c?.asr).toEqual({ engine: 'pocketsphinx', mode: 'auto' });
    expect(c?.tts.engine).toBe('espeak-ng');
    expect(c?.pacing).toEqual({ minMessageMs: 200, maxMessageBytes: 64_000, ratePerSecond: 4, burst: 20, leadMs: 1000 });
    expect(tenantSchema.parse({ orgId, name: 'Acme' }).voicebot).toBeUndefined();
    const keypad = tenantSchema.parse({ orgId, name: 'Acme', voicebot: { bots: [{ name: 'demo', type: 'demo' }], connectors: [{ id: 'keypad', bot: 'demo', asr: { engine: 'none' } }] } });
    expect(keypad.voicebot?.connectors[0]?.asr).toEqual({ engine: 'none' });
  });

  it('refuses unknown bots, duplicate ids, missing bot, and pacing above the limits, naming the key', () => {
    expect(problems({ bots: [], connectors: [{ id: 'x', bot: 'nope' }] })).toEqual([expect.stringMatching(/^voicebot\.connectors\.0\.bot: no bot named "nope"/)]);
    expect(problems({ bots: [{ name: 'd', type: 'demo' }], connectors: [{ id: 'x', bot: 'd' }, { id: 'X', bot: 'd' }] })).toEqual([expect.stringMatching(/^voicebot\.connectors\.1\.id: "X" is used by another connector/)]);
    expect(problems({ connectors: [{ id: 'x' }] })).toEqual([expect.stringMatching(/^voicebot\.connectors\.0\.bot: required/)]);
    expect(problems({ bots: [{ name: 'd', type: 'demo' }], connectors: [{ id: 'x', bot: 'd', pacing: { ratePerSecond: 6 } }] })).toEqual([expect.stringMatching(/^voicebot\.connectors\.0\.pacing\.ratePerSecond:/)]);
    expect(problems({ bots: [{ name: 'd', type: 'demo' }], connectors: [{ id: 'a/b', bot: 'd' }] })).toEqual([expect.stringMatching(/^voicebot\.connectors\.0\.id: must be 1–64/)]);
    expect(problems({ bots: [{ name: 'd', type: 'demo' }], rest: { bot: 'e' } })).toEqual([expect.stringMatching(/^voicebot\.rest\.bot: no bot named "e"/)]);
  });

  it('keeps tokens and API keys out of the clear settings, joins them back, and masks them for display', () => {
    const t = tenantSchema.parse({ orgId, name: 'Acme', voicebot: voicebot() });
    const { apiKeys: _k, ...tenant } = t;
    const { settings, secrets } = splitSecrets(tenant);
    const clear = JSON.stringify(settings);
    for (const s of [RASA_TOKEN, DG_KEY, RT_KEY]) expect(clear).not.toContain(s);
    expect(joinSecrets(orgId, 'Acme', JSON.parse(clear), JSON.parse(JSON.stringify(secrets))).voicebot).toEqual(tenant.voicebot);
    const shown = JSON.stringify(redactTenant(tenant));
    for (const s of [RASA_TOKEN, DG_KEY, RT_KEY]) {
      expect(shown).not.toContain(s.slice(0, 12));
      expect(shown).toContain(s.slice(-4));
    }
  });
});

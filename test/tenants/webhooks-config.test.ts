/**
 * Tenant webhook settings: bad input is refused naming the key and why; the
 * secret is stored encrypted and shown masked.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tenantSchema } from '../../src/tenants/index.js';
import { joinSecrets, splitSecrets } from '../../src/tenants/secrets.js';
import { redactTenant } from '../../src/cli/tenant-settings.js';

const orgId = 'd7934305-0972-4844-938e-9060eef73d05';
const secret = `whsec_${randomBytes(32).toString('base64')}`;
const hook = (o: Record<string, unknown> = {}) => ({ name: 'crm', url: 'https://crm.example.com/hooks', secret, ...o });

function problems(webhooks: unknown[]): string[] {
  const r = tenantSchema.safeParse({ orgId, name: 'Acme', webhooks });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('tenant webhooks settings', () => {
  it('accepts a valid endpoint with defaults (all events, enabled)', () => {
    const t = tenantSchema.parse({ orgId, name: 'Acme', webhooks: [hook()] });
    expect(t.webhooks).toEqual([{ ...hook(), events: ['*'], enabled: true }]);
    expect(tenantSchema.parse({ orgId, name: 'Acme' }).webhooks).toEqual([]);
  });

  it('refuses secrets not in Standard Webhooks format, saying why', () => {
    expect(problems([hook({ secret: randomBytes(32).toString('base64') })])).toEqual([expect.stringMatching(/^webhooks\.0\.secret: must start with whsec_/)]);
    expect(problems([hook({ secret: 'whsec_not base64!' })])).toEqual([expect.stringMatching(/^webhooks\.0\.secret: must be base64/)]);
    expect(problems([hook({ secret: `whsec_${randomBytes(16).toString('base64')}` })])).toEqual([expect.stringMatching(/^webhooks\.0\.secret: decodes to 16 bytes, needs 24 to 64/)]);
    expect(problems([hook({ secret: `whsec_${randomBytes(65).toString('base64')}` })])).toEqual([expect.stringMatching(/^webhooks\.0\.secret: decodes to 65 bytes/)]);
  });

  it('refuses duplicate names, bad names, bad URLs and unknown event types', () => {
    expect(problems([hook(), hook({ url: 'https://other.example.com' })])).toEqual([expect.stringMatching(/^webhooks\.1\.name: "crm" is used by another webhook/)]);
    expect(problems([hook({ name: 'CRM' })])).toEqual([expect.stringMatching(/^webhooks\.0\.name: must be 1–63 lower-case/)]);
    expect(problems([hook({ url: 'ftp://crm.example.com' })])).toEqual([expect.stringMatching(/^webhooks\.0\.url: must be an http/)]);
    expect(problems([hook({ url: 'https://user:pw@crm.example.com/' })])).toEqual([expect.stringMatching(/^webhooks\.0\.url: must not contain user:password@/)]);
    expect(problems([hook({ events: ['agent.connected', 'agent.conected'] })])).toEqual([expect.stringMatching(/^webhooks\.0\.events\.1: "agent\.conected" is not an event type/)]);
    expect(problems([hook({ events: ['agents.*'] })])).toEqual([expect.stringMatching(/^webhooks\.0\.events\.0: "agents\.\*" is not/)]);
    expect(problems([hook({ events: ['agent.*', 'conversation.ended', '*'] })])).toEqual([]);
  });

  it('keeps the secret out of the clear settings, joins it back, and masks it for display', () => {
    const t = tenantSchema.parse({ orgId, name: 'Acme', webhooks: [hook(), hook({ name: 'bi', secret: `whsec_${randomBytes(24).toString('base64')}` })] });
    const { apiKeys: _k, ...tenant } = t;
    const { settings, secrets } = splitSecrets(tenant);
    expect(JSON.stringify(settings)).not.toContain(secret.slice(6, 20));
    expect(joinSecrets(orgId, 'Acme', JSON.parse(JSON.stringify(settings)), JSON.parse(JSON.stringify(secrets))).webhooks).toEqual(tenant.webhooks);
    const shown = JSON.stringify(redactTenant(tenant));
    expect(shown).not.toContain(secret.slice(6, 20));
    expect(shown).toContain(secret.slice(-4));
  });
});

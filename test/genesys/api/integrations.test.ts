/**
 * Integrations over loopback: finding AudioHook integrations and the
 * install-wizard sequence (create → credential → config → enable).
 */
import { describe, expect, it } from 'vitest';
import { query, useFakeGenesys } from '../helpers/use-fake.js';

const fx = useFakeGenesys();
const client = fx.client;
const q = query;

describe('integrations', () => {
  it('lists AudioHook integrations across pages with their config', async () => {
    const all = [
      { id: 'i1', name: 'AH', integrationType: { id: 'audiohook' }, config: { current: { properties: { connectionUri: 'wss://a' } } } },
      { id: 'i2', name: 'EB', integrationType: { id: 'amazon-eventbridge-source' } },
      { id: 'i3', name: 'AH2', integrationType: { id: 'audiohook' }, config: { current: { version: 2 } } },
    ];
    fx.fake.on('GET', '/api/v2/integrations', (req) => {
      const n = Number(q(req).pageNumber);
      return { entities: all.slice((n - 1) * 2, n * 2), pageNumber: n, pageCount: 2, ...(n === 1 ? { nextUri: '/api/v2/integrations?pageSize=2&pageNumber=2&expand=config.current' } : {}) };
    });
    const hooks = await client().integrations.audioHooks();
    expect(hooks.map((h) => h.id)).toEqual(['i1', 'i3']);
    expect(hooks[1]?.config?.current).toEqual({ version: 2, properties: {}, advanced: {}, credentials: {} });
    expect(fx.fake.calls('GET', '/api/v2/integrations')[0]?.query.expand).toBe('config.current');
  });

  it('installs an AudioHook integration the way the premium-app wizard does', async () => {
    fx.fake.on('POST', '/api/v2/integrations', (req) => ({ id: 'int-1', ...(req.body as object), intendedState: 'DISABLED' }));
    fx.fake.on('POST', '/api/v2/integrations/credentials', () => ({ id: 'cred-1' }));
    fx.fake.on('GET', '/api/v2/integrations/:id/config/current', () => ({ id: 'int-1', name: 'Hookline', version: 1, properties: {}, advanced: {}, credentials: {} }));
    fx.fake.on('PUT', '/api/v2/integrations/:id/config/current', (req) => ({ ...(req.body as object), version: 2 }));
    fx.fake.on('PATCH', '/api/v2/integrations/:id', (req) => ({ id: 'int-1', name: 'Hookline', integrationType: { id: 'audiohook' }, ...(req.body as object) }));
    const installed = await client().integrations.installAudioHook({
      name: 'Hookline',
      connectionUri: 'wss://hookline.example/audiohook',
      apiKey: 'key-1',
      clientSecret: 'c2VjcmV0',
    });
    expect(installed).toMatchObject({ id: 'int-1', intendedState: 'ENABLED' });
    const steps = fx.fake.requests.map((r) => `${r.method} ${r.path}`);
    expect(steps).toEqual([
      'POST /api/v2/integrations',
      'POST /api/v2/integrations/credentials',
      'GET /api/v2/integrations/int-1/config/current',
      'PUT /api/v2/integrations/int-1/config/current',
      'PATCH /api/v2/integrations/int-1',
    ]);
    expect(fx.fake.requests[0]?.body).toEqual({ name: 'Hookline', integrationType: { id: 'audiohook' } });
    expect(fx.fake.requests[1]?.body).toEqual({ name: 'Hookline credentials', type: 'audioHook', credentialFields: { apiKey: 'key-1', clientSecret: 'c2VjcmV0' } });
    expect(fx.fake.requests[3]?.body).toMatchObject({
      version: 1,
      name: 'Hookline',
      properties: { channel: 'both', connectionUri: 'wss://hookline.example/audiohook' },
      credentials: { audioHook: { id: 'cred-1' } },
    });
    expect(fx.fake.requests[4]?.body).toEqual({ intendedState: 'ENABLED' });
  });
});

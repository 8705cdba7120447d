/** Adapters are built once per tenant and configuration revision, not per call. */
import { describe, expect, it } from 'vitest';
import { EngineCache, type VoicebotFactories } from '../../src/voicebot/index.js';

describe('EngineCache', () => {
  it('reuses an adapter for equal settings (a tenant refresh makes new objects) and builds anew when they change', () => {
    let built = 0;
    const factories = {
      bot: () => ({ name: `bot${++built}`, phrases: () => [], open: () => { throw new Error('unused'); } }),
    } as unknown as VoicebotFactories;
    const cache = new EngineCache(factories);
    const a = cache.bot('org-1', { name: 'b', type: 'rasa', url: 'http://127.0.0.1:5005', phrases: [] });
    const b = cache.bot('org-1', { name: 'b', type: 'rasa', url: 'http://127.0.0.1:5005', phrases: [] });
    expect(b).toBe(a);
    const changed = cache.bot('org-1', { name: 'b', type: 'rasa', url: 'http://127.0.0.1:5006', phrases: [] });
    expect(changed).not.toBe(a);
    const otherTenant = cache.bot('org-2', { name: 'b', type: 'rasa', url: 'http://127.0.0.1:5005', phrases: [] });
    expect(otherTenant).not.toBe(a);
    expect(built).toBe(3);
  });
});

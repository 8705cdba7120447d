/** The wizard page's CSP: no framing by default; only the configured origins when embedded as a Genesys client app. */
import { describe, expect, it } from 'vitest';
import { installCsp } from '../../src/install/index.js';

describe('installCsp', () => {
  it('forbids framing unless origins are configured, then allows exactly those', () => {
    expect(installCsp([])).toContain("frame-ancestors 'none'");
    const csp = installCsp(['https://apps.mypurecloud.com', 'https://apps.mypurecloud.ie']);
    expect(csp).toContain('frame-ancestors https://apps.mypurecloud.com https://apps.mypurecloud.ie');
    expect(csp).not.toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
  });
});

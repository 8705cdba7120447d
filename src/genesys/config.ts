/**
 * Per-tenant connection settings and where requests go. Region hosts are the
 * environment names of Genesys Cloud docs, "Platform API: regions"; the API and login hosts derive from them.
 */

/** Region key (as the Genesys SDKs name them) → environment host. */
export const REGION_HOSTS = {
  us_east_1: 'mypurecloud.com',
  us_east_2: 'use2.us-gov-pure.cloud',
  us_west_2: 'usw2.pure.cloud',
  ca_central_1: 'cac1.pure.cloud',
  sa_east_1: 'sae1.pure.cloud',
  mx_central_1: 'mxc1.pure.cloud',
  eu_west_1: 'mypurecloud.ie',
  eu_west_2: 'euw2.pure.cloud',
  eu_central_1: 'mypurecloud.de',
  eu_central_2: 'euc2.pure.cloud',
  eusc_de_east_1: 'edee1.eusc-pure.cloud',
  me_central_1: 'mec1.pure.cloud',
  ap_south_1: 'aps1.pure.cloud',
  ap_southeast_1: 'apse1.pure.cloud',
  ap_southeast_2: 'mypurecloud.com.au',
  ap_northeast_1: 'mypurecloud.jp',
  ap_northeast_2: 'apne2.pure.cloud',
  ap_northeast_3: 'apne3.pure.cloud',
} as const;

/** A known environment host, or any other string (new regions appear without notice). */
export type RegionEnv = (typeof REGION_HOSTS)[keyof typeof REGION_HOSTS] | (string & {});

export interface GenesysConfig {
  clientId: string;
  /** Never logged. */
  clientSecret: string;
  /** Environment host, e.g. `mypurecloud.com`, `usw2.pure.cloud`. */
  region: RegionEnv;
  /** Overrides the API base: requests go to `${apiUrl}/api/v2/...` (the emulator uses this). */
  apiUrl?: string;
  /** Overrides the login base: the token request goes to `${loginUrl}/oauth/token`. */
  loginUrl?: string;
}

export interface Endpoints {
  /** Origin (plus optional path prefix) that `/api/v2/...` paths are appended to. */
  apiBase: string;
  /** The full OAuth token URL. */
  tokenUrl: string;
}

const trimSlash = (s: string) => s.replace(/\/+$/, '');

/**
 * Derives the API base and token URL. Unknown region hosts are accepted as long
 * as they look like a host name: Genesys adds regions, and we must not block one.
 */
export function resolveEndpoints(config: GenesysConfig): Endpoints {
  if (!config.apiUrl && !/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(config.region)) {
    throw new TypeError(`Genesys region must be an environment host such as mypurecloud.com, got "${config.region}"`);
  }
  const apiBase = config.apiUrl ? trimSlash(config.apiUrl) : `https://api.${config.region}`;
  // With only apiUrl set (emulator on one port), login lives under `${apiUrl}/login`.
  const loginBase = config.loginUrl
    ? trimSlash(config.loginUrl)
    : config.apiUrl
      ? `${apiBase}/login`
      : `https://login.${config.region}`;
  return { apiBase, tokenUrl: `${loginBase}/oauth/token` };
}

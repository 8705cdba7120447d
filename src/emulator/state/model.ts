import type { EventBridgeSinkConfig } from '../notify/eventbridge.js';
/**
 * The emulated organisations and their directory objects, in memory.
 */
import type { DialOutSettings, RateLimitSettings } from '../settings.js';

export const DEFAULT_ENV = 'mypurecloud.com';

export interface User {
  id: string;
  name: string;
  email: string;
  department?: string;
  title?: string;
  state: 'active' | 'inactive' | 'deleted';
  version: number;
  /** Emulator only: the password of the login form at `/login/oauth/authorize` (docs/emulator.md); none = cannot log in. */
  password?: string;
  /** Permissions held besides those of the roles the user is in (`domain:entity:action`). */
  permissions?: string[];
}

export interface Group {
  id: string;
  name: string;
  description?: string;
  type: 'official' | 'social';
  visibility: 'public' | 'owners' | 'members';
  rulesVisible: boolean;
  state: 'active' | 'inactive' | 'deleted';
  version: number;
  dateModified: number;
  /** Direct members in the order they were added. */
  memberIds: string[];
  ownerIds: string[];
}

export interface Named {
  id: string;
  name: string;
}

export interface OAuthClient {
  id: string;
  secret: string;
  name: string;
  description?: string;
  authorizedGrantType: string;
  accessTokenValiditySeconds?: number;
  roleIds: string[];
  dateCreated: number;
  /** Where the code and implicit grants may send the browser back (`registeredRedirectUri` in the Platform API). */
  registeredRedirectUri?: string[];
}

export interface Role {
  id: string;
  name: string;
  description?: string;
  permissionPolicies: unknown[];
  userIds: string[];
}

export interface Org {
  id: string;
  name: string;
  env: string;
  divisionId: string;
  users: Map<string, User>;
  groups: Map<string, Group>;
  queues: Map<string, Named>;
  wrapupCodes: Map<string, Named>;
  flows: Map<string, Named>;
  clients: Map<string, OAuthClient>;
  roles: Map<string, Role>;
  /** Per-org overrides of the global settings. */
  rateLimit?: Partial<RateLimitSettings>;
  dialOut?: Partial<DialOutSettings>;
  /** Where the org's conversation notifications also go, as Amazon EventBridge would POST them (notify/eventbridge.ts). */
  eventBridge?: EventBridgeSinkConfig;
}

export function newOrg(id: string, name: string, env: string, divisionId: string): Org {
  return {
    id,
    name,
    env,
    divisionId,
    users: new Map(),
    groups: new Map(),
    queues: new Map(),
    wrapupCodes: new Map(),
    flows: new Map(),
    clients: new Map(),
    roles: new Map(),
  };
}

export function userJson(u: User, org: Org, groups?: Group[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: u.id,
    name: u.name,
    division: { id: org.divisionId, name: 'Home', selfUri: `/api/v2/authorization/divisions/${org.divisionId}` },
    chat: { jabberId: `${u.id}@${org.id.slice(0, 8)}.orgspan.com` },
    email: u.email,
    username: u.email,
    primaryContactInfo: [{ address: u.email, mediaType: 'EMAIL', type: 'PRIMARY' }],
    addresses: [],
    state: u.state,
    version: u.version,
    selfUri: `/api/v2/users/${u.id}`,
  };
  if (u.department) out.department = u.department;
  if (u.title) out.title = u.title;
  if (groups) out.groups = groups.map((g) => ({ id: g.id, selfUri: `/api/v2/groups/${g.id}` }));
  return out;
}

export function groupJson(g: Group): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: g.id,
    name: g.name,
    dateModified: new Date(g.dateModified).toISOString(),
    memberCount: g.memberIds.length,
    state: g.state,
    version: g.version,
    type: g.type,
    rulesVisible: g.rulesVisible,
    visibility: g.visibility,
    rolesEnabled: false,
    includeOwners: false,
    callsEnabled: false,
    owners: g.ownerIds.map((id) => ({ id })),
    addresses: [],
    images: [],
    selfUri: `/api/v2/groups/${g.id}`,
  };
  if (g.description) out.description = g.description;
  return out;
}

/**
 * Applies seed documents: settings first, then each org with its directory,
 * clients and integrations. The per-item functions are also what the control
 * API uses to add one more user, group, client or integration to an org.
 * Ids not given come from the seeded generator.
 */
import type { EmulatorContext } from '../context.js';
import { ControlError } from '../errors.js';
import { addMembers } from './directory.js';
import { newOrg, type Group, type Org, type User } from './model.js';
import type { SeedDoc, SeededOrg, SeedOrg } from './seed.js';
import { patchSettingsOf } from '../settings.js';

type SeedItem<K extends keyof SeedOrg> = SeedOrg[K] extends (infer T)[] ? T : never;

const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function applySeed(ctx: EmulatorContext, doc: SeedDoc): SeededOrg[] {
  if (doc.settings) ctx.setSettings(patchSettingsOf(ctx.settings(), doc.settings, 'seed settings'));
  return doc.orgs.map((o) => seedOrg(ctx, o));
}

function seedOrg(ctx: EmulatorContext, o: SeedOrg): SeededOrg {
  const rng = ctx.rng;
  const org = newOrg(o.id ?? rng.uuid(), o.name, o.env, rng.uuid());
  const employee = rng.uuid();
  org.roles.set(employee, { id: employee, name: 'employee', description: 'Stock role', permissionPolicies: [], userIds: [] });
  for (const c of o.oauthClients) seedClient(ctx, org, c);
  for (const u of o.users) seedUser(ctx, org, u);
  for (let i = 1; i <= o.generateUsers; i++) {
    seedUser(ctx, org, { name: `Agent ${i}`, email: `agent${i}@${o.name.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example.com` });
  }
  for (const [map, items] of [[org.queues, o.queues], [org.wrapupCodes, o.wrapupCodes], [org.flows, o.flows]] as const) {
    for (const n of items) {
      const id = n.id ?? rng.uuid();
      map.set(id, { id, name: n.name });
    }
  }
  for (const g of o.groups) seedGroup(ctx, org, g);
  if (o.rateLimit) org.rateLimit = o.rateLimit;
  if (o.dialOut) org.dialOut = o.dialOut;
  if (o.eventBridge) org.eventBridge = o.eventBridge;
  ctx.orgs.add(org);
  for (const s of o.integrations) seedIntegration(ctx, org, s);
  return describeOrg(ctx, org);
}

export function seedUser(ctx: EmulatorContext, org: Org, u: SeedItem<'users'>): User {
  const id = u.id ?? ctx.rng.uuid();
  if (org.users.has(id)) throw new ControlError(`user ${id} already exists in org ${org.name}`, 409, 'conflict');
  const user: User = { id, name: u.name, email: u.email ?? emailOf(u.name), state: 'active', version: 1 };
  if (u.department) user.department = u.department;
  if (u.title) user.title = u.title;
  if (u.password) user.password = u.password;
  if (u.permissions) user.permissions = u.permissions;
  org.users.set(id, user);
  return user;
}

export function seedGroup(ctx: EmulatorContext, org: Org, g: SeedItem<'groups'>): Group {
  const now = ctx.clock.now();
  const group: Group = { id: g.id ?? ctx.rng.uuid(), name: g.name, type: 'official', visibility: 'public', rulesVisible: true, state: 'active', version: 1, dateModified: now, memberIds: [], ownerIds: [] };
  if (g.description) group.description = g.description;
  org.groups.set(group.id, group);
  addMembers(org, group, g.members.map((m) => resolveUser(org, m)), now);
  return group;
}

const GRANT_TYPES = { 'client-credentials': 'CLIENT-CREDENTIALS', code: 'CODE', token: 'TOKEN' } as const;

export function seedClient(ctx: EmulatorContext, org: Org, c: SeedItem<'oauthClients'>): { clientId: string; clientSecret: string; name: string } {
  const id = c.id ?? ctx.rng.uuid();
  if (ctx.orgs.clientIdInUse(id) || org.clients.has(id)) throw new ControlError(`OAuth client id ${id} is already in use`, 409, 'conflict');
  const employee = [...org.roles.values()].find((r) => r.name === 'employee');
  const secret = c.secret ?? ctx.rng.token(43, SECRET_ALPHABET);
  org.clients.set(id, {
    id,
    secret,
    name: c.name,
    authorizedGrantType: GRANT_TYPES[c.grant],
    roleIds: employee ? [employee.id] : [],
    registeredRedirectUri: c.redirectUris,
    dateCreated: ctx.clock.now(),
    ...(c.tokenLifetimeSeconds ? { accessTokenValiditySeconds: c.tokenLifetimeSeconds } : {}),
  });
  return { clientId: id, clientSecret: secret, name: c.name };
}

/** Seeded integrations count as already activated, unless `probe` asks for the activation probe now. */
export function seedIntegration(ctx: EmulatorContext, org: Org, s: SeedItem<'integrations'>): { id: string; name: string; intendedState: string; reportedState: string } {
  const i = ctx.integrations.create(org.id, s.type, s.name);
  const connector = s.type === 'audio-connector';
  const credType = connector ? 'audioConnector' : 'audioHook';
  const cred = ctx.integrations.addCredential(org.id, `${i.name} credentials`, credType, { apiKey: s.apiKey, ...(s.clientSecret ? { clientSecret: s.clientSecret } : {}) });
  i.config.properties = connector ? { baseConnectionUri: s.connectionUri } : { channel: 'both', connectionUri: s.connectionUri };
  i.config.credentials = { [credType]: { id: cred.id } };
  if (s.enabled && s.probe) ctx.integrations.setIntendedState(i, 'ENABLED');
  else if (s.enabled) {
    i.intendedState = 'ENABLED';
    ctx.integrations.report(i, 'ACTIVE');
  }
  return { id: i.id, name: i.name, intendedState: i.intendedState, reportedState: i.reported.code };
}

function emailOf(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.').replace(/^\.|\.$/g, '')}@example.com`;
}

function resolveUser(org: Org, ref: string): string {
  if (org.users.has(ref)) return ref;
  const u = [...org.users.values()].find((x) => x.email === ref || x.name === ref);
  if (!u) throw new ControlError(`group member ${ref} is not a user id, email or name in org ${org.name}`, 400, 'unknown_user');
  return u.id;
}

export function describeOrg(ctx: EmulatorContext, org: Org): SeededOrg {
  return {
    orgId: org.id,
    name: org.name,
    env: org.env,
    apiUrl: ctx.urls.apiUrl(org.env),
    loginUrl: ctx.urls.loginUrl(org.env),
    divisionId: org.divisionId,
    clients: [...org.clients.values()].map((c) => ({ clientId: c.id, clientSecret: c.secret, name: c.name })),
    users: [...org.users.values()].map((u) => ({ id: u.id, name: u.name, email: u.email })),
    groups: [...org.groups.values()].map((g) => ({ id: g.id, name: g.name, memberIds: [...g.memberIds] })),
    queues: [...org.queues.values()],
    wrapupCodes: [...org.wrapupCodes.values()],
    integrations: ctx.integrations.list(org.id).map((i) => ({
      id: i.id,
      name: i.name,
      type: i.typeId,
      connectionUri: String(i.config.properties.connectionUri ?? i.config.properties.baseConnectionUri ?? ''),
      intendedState: i.intendedState,
      reportedState: i.reported.code,
    })),
  };
}

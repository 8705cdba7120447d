/**
 * OAuth clients and roles (Genesys Cloud docs, "Premium app wizard" steps 1 and 4): what an install
 * wizard creates so a vendor backend can log in with client credentials.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { badRequest, describeIssues, notFound } from '../errors.js';
import { listing, pageOf } from '../http/paging.js';
import { orgOf, queryOf, type WithParams } from '../http/request.js';
import type { OAuthClient, Org, Role } from '../state/model.js';

const clientSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  authorizedGrantType: z.enum(['CLIENT-CREDENTIALS', 'CODE', 'TOKEN', 'SAML2BEARER', 'PASSWORD']),
  accessTokenValiditySeconds: z.number().int().min(300).max(172800).optional(),
  roleIds: z.array(z.string()).default([]),
  registeredRedirectUri: z.array(z.url()).optional(),
});
const roleSchema = z.object({ name: z.string().min(1), description: z.string().optional(), permissionPolicies: z.array(z.unknown()).default([]) });

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw badRequest(`Invalid ${what}: ${describeIssues(r.error.issues)}`, 'constraint.validation');
  return r.data;
}

function clientJson(c: OAuthClient, withSecret: boolean): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    ...(c.description ? { description: c.description } : {}),
    authorizedGrantType: c.authorizedGrantType,
    ...(c.accessTokenValiditySeconds ? { accessTokenValiditySeconds: c.accessTokenValiditySeconds } : {}),
    roleIds: c.roleIds,
    ...(c.registeredRedirectUri?.length ? { registeredRedirectUri: c.registeredRedirectUri } : {}),
    dateCreated: new Date(c.dateCreated).toISOString(),
    ...(withSecret ? { secret: c.secret } : {}),
    selfUri: `/api/v2/oauth/clients/${c.id}`,
  };
}

const roleJson = (r: Role) => ({ id: r.id, name: r.name, ...(r.description ? { description: r.description } : {}), permissionPolicies: r.permissionPolicies, userCount: r.userIds.length, selfUri: `/api/v2/authorization/roles/${r.id}` });

function checkRoles(org: Org, ids: string[], grant: string): void {
  const unknown = ids.filter((id) => !org.roles.has(id));
  if (unknown.length > 0) throw badRequest(`Unknown role id(s): ${unknown.join(', ')}`, 'invalid.value', [{ fieldName: 'roleIds' }]);
  if (grant === 'CLIENT-CREDENTIALS' && ids.length === 0) throw badRequest('A client-credentials client needs at least one role', 'invalid.value', [{ fieldName: 'roleIds' }]);
}

export function oauthClientRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const clientOf = (req: FastifyRequest<WithParams<'clientId'>>): OAuthClient => {
    const id = req.params.clientId;
    const c = orgOf(req).clients.get(id);
    if (!c) throw notFound(`OAuth client ${id} was not found.`);
    return c;
  };

  app.get('/api/v2/oauth/clients', async (req) => {
    const list = [...orgOf(req).clients.values()].map((c) => clientJson(c, false));
    return listing(list, pageOf(queryOf(req), { ...ctx.settings().paging, maxPageSize: 1000 }), '/api/v2/oauth/clients', queryOf(req));
  });

  app.post('/api/v2/oauth/clients', async (req) => {
    const org = orgOf(req);
    const b = parse(clientSchema, req.body, 'OAuth client');
    checkRoles(org, b.roleIds, b.authorizedGrantType);
    const c: OAuthClient = { id: ctx.rng.uuid(), secret: ctx.rng.token(43, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), name: b.name, authorizedGrantType: b.authorizedGrantType, roleIds: b.roleIds, dateCreated: ctx.clock.now() };
    if (b.description) c.description = b.description;
    if (b.accessTokenValiditySeconds) c.accessTokenValiditySeconds = b.accessTokenValiditySeconds;
    if (b.registeredRedirectUri) c.registeredRedirectUri = b.registeredRedirectUri;
    org.clients.set(c.id, c);
    return clientJson(c, true);
  });

  app.get<WithParams<'clientId'>>('/api/v2/oauth/clients/:clientId', async (req) => clientJson(clientOf(req), false));

  app.put<WithParams<'clientId'>>('/api/v2/oauth/clients/:clientId', async (req) => {
    const c = clientOf(req);
    const b = parse(clientSchema, req.body, 'OAuth client');
    checkRoles(orgOf(req), b.roleIds, b.authorizedGrantType);
    Object.assign(c, { name: b.name, authorizedGrantType: b.authorizedGrantType, roleIds: b.roleIds });
    if (b.description !== undefined) c.description = b.description;
    if (b.accessTokenValiditySeconds) c.accessTokenValiditySeconds = b.accessTokenValiditySeconds;
    return clientJson(c, false);
  });

  app.delete<WithParams<'clientId'>>('/api/v2/oauth/clients/:clientId', async (req, reply) => {
    const c = clientOf(req);
    orgOf(req).clients.delete(c.id);
    ctx.tokens.revokeClient(c.id);
    return reply.code(204).send();
  });

  app.get('/api/v2/authorization/roles', async (req) => {
    const list = [...orgOf(req).roles.values()].map(roleJson);
    return listing(list, pageOf(queryOf(req), ctx.settings().paging), '/api/v2/authorization/roles', queryOf(req));
  });

  app.post('/api/v2/authorization/roles', async (req) => {
    const b = parse(roleSchema, req.body, 'role');
    const r: Role = { id: ctx.rng.uuid(), name: b.name, permissionPolicies: b.permissionPolicies, userIds: [] };
    if (b.description) r.description = b.description;
    orgOf(req).roles.set(r.id, r);
    return roleJson(r);
  });

  app.get<WithParams<'roleId'>>('/api/v2/authorization/roles/:roleId', async (req) => {
    const id = req.params.roleId;
    const r = orgOf(req).roles.get(id);
    if (!r) throw notFound(`Role ${id} was not found.`);
    return roleJson(r);
  });

  // Authorization API, "Delete an organization role": 204. The emulator refuses a role an OAuth client still holds
  // (an inference, not documented), so an uninstall must delete the client first.
  app.delete<WithParams<'roleId'>>('/api/v2/authorization/roles/:roleId', async (req, reply) => {
    const org = orgOf(req);
    const id = req.params.roleId;
    if (!org.roles.has(id)) throw notFound(`Role ${id} was not found.`);
    const users = [...org.clients.values()].filter((c) => c.roleIds.includes(id));
    if (users.length > 0) throw badRequest(`Role ${id} is assigned to OAuth client(s) ${users.map((c) => c.id).join(', ')}`, 'role.in.use');
    org.roles.delete(id);
    return reply.code(204).send();
  });

  app.put<WithParams<'roleId'>>('/api/v2/authorization/roles/:roleId/users/add', async (req) => {
    const org = orgOf(req);
    const id = req.params.roleId;
    const r = org.roles.get(id);
    if (!r) throw notFound(`Role ${id} was not found.`);
    const users = z.array(z.string()).safeParse(req.body);
    if (!users.success) throw badRequest('The body must be an array of user ids', 'invalid.value');
    const unknown = users.data.filter((u) => !org.users.has(u));
    if (unknown.length > 0) throw badRequest(`Unknown user id(s): ${unknown.join(', ')}`, 'invalid.value');
    for (const u of users.data) if (!r.userIds.includes(u)) r.userIds.push(u);
    return users.data;
  });
}

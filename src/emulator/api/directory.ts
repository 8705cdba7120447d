/**
 * Users and groups (Genesys Cloud docs, "Users API", Genesys Cloud docs, "Groups API") with the entity-listing envelope.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errorMessage } from '../../platform/util/error-message.js';
import type { EmulatorContext } from '../context.js';
import { badRequest, conflict, describeIssues, notFound } from '../errors.js';
import { listing, pageOf, type PagingRules } from '../http/paging.js';
import { orgOf, q1, qList, queryOf, tokenOf, type WithParams } from '../http/request.js';
import { addMembers, groupsOf, removeMembers } from '../state/directory.js';
import { groupJson, userJson, type Group, type Org, type User } from '../state/model.js';

function sorted<T extends { name: string }>(items: T[], order: string | undefined): T[] {
  if (order !== undefined && order !== 'ascending' && order !== 'descending') throw badRequest(`sortOrder must be ascending or descending (got ${order})`, 'invalid.value');
  const out = [...items].sort((a, b) => a.name.localeCompare(b.name));
  return order === 'descending' ? out.reverse() : out;
}

function userList(org: Org, users: User[], req: FastifyRequest): Record<string, unknown>[] {
  const expand = new Set(qList(queryOf(req), 'expand'));
  return users.map((u) => userJson(u, org, expand.has('groups') ? groupsOf(org, u.id) : undefined));
}

function requireGroup(org: Org, id: string): Group {
  const g = org.groups.get(id);
  if (!g || g.state === 'deleted') throw notFound(`Group ${id} was not found.`);
  return g;
}

const newGroupSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  type: z.enum(['official', 'social']).default('official'),
  rulesVisible: z.boolean().default(true),
  visibility: z.enum(['public', 'owners', 'members']).default('public'),
  ownerIds: z.array(z.string()).optional(),
});
const membersSchema = z.object({ memberIds: z.array(z.string()).min(1), version: z.number().int() });

/** Permission strings (`domain:entity:action`) a role's policies grant (Platform API `DomainPermissionPolicy`). */
function policyPermissions(policies: unknown[]): string[] {
  const out: string[] = [];
  for (const p of policies as { domain?: unknown; entityName?: unknown; actionSet?: unknown }[]) {
    if (typeof p.domain !== 'string' || typeof p.entityName !== 'string' || !Array.isArray(p.actionSet)) continue;
    for (const a of p.actionSet) if (typeof a === 'string') out.push(`${p.domain}:${p.entityName}:${a}`);
  }
  return out;
}

/**
 * `GET /api/v2/users/me` (Users API, "Get current user"): the token's user; `expand=authorization` adds
 * `authorization: { roles, permissions }` (Platform API `UserAuthorization`) from the user's roles and
 * their own seeded permissions. Client-credentials tokens have no user (Genesys Cloud docs, "OAuth client credentials grant").
 */
function me(org: Org, userId: string | undefined, req: FastifyRequest): Record<string, unknown> {
  const u = userId ? org.users.get(userId) : undefined;
  if (!u) throw badRequest('GET /api/v2/users/me is not valid when using the Client Credentials OAuth grant', 'bad.request');
  const out = userJson(u, org);
  if (!qList(queryOf(req), 'expand').includes('authorization')) return out;
  const roles = [...org.roles.values()].filter((r) => r.userIds.includes(u.id));
  const permissions = new Set([...(u.permissions ?? []), ...roles.flatMap((r) => policyPermissions(r.permissionPolicies))]);
  return { ...out, authorization: { roles: roles.map((r) => ({ id: r.id, name: r.name })), permissions: [...permissions].sort() } };
}

export function directoryRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const rules = (max?: number): PagingRules => {
    const p = ctx.settings().paging;
    return { defaultPageSize: p.defaultPageSize, maxPageSize: max ?? p.maxPageSize, overMax: p.overMax };
  };

  app.get('/api/v2/users', async (req) => {
    const org = orgOf(req);
    const q = queryOf(req);
    const page = pageOf(q, rules(ctx.settings().paging.maxUsersPageSize));
    const ids = qList(q, 'id');
    const state = q1(q, 'state') ?? 'active';
    let users = [...org.users.values()].filter((u) => state === 'any' || u.state === state);
    if (ids.length > 0) users = users.filter((u) => ids.includes(u.id));
    return listing(userList(org, sorted(users, q1(q, 'sortOrder')), req), page, '/api/v2/users', q, ['expand', 'state', 'sortOrder']);
  });

  app.get<WithParams<'userId'>>('/api/v2/users/:userId', async (req) => {
    const org = orgOf(req);
    const id = req.params.userId;
    if (id === 'me') return me(org, tokenOf(req).userId, req);
    const u = org.users.get(id);
    if (!u) throw notFound(`User ${id} was not found.`);
    return userList(org, [u], req)[0];
  });

  // Organization API, "Get organization" (GET /api/v2/organizations/me): the token's org.
  app.get('/api/v2/organizations/me', async (req) => {
    const org = orgOf(req);
    return { id: org.id, name: org.name, thirdPartyOrgName: org.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'), state: 'active', selfUri: '/api/v2/organizations/me' };
  });

  app.get('/api/v2/groups', async (req) => {
    const org = orgOf(req);
    const q = queryOf(req);
    const page = pageOf(q, rules());
    const ids = qList(q, 'id');
    let groups = [...org.groups.values()].filter((g) => g.state !== 'deleted');
    if (ids.length > 0) groups = groups.filter((g) => ids.includes(g.id));
    return listing(sorted(groups, q1(q, 'sortOrder')).map(groupJson), page, '/api/v2/groups', q, ['sortOrder']);
  });

  app.get<WithParams<'groupId'>>('/api/v2/groups/:groupId', async (req) => groupJson(requireGroup(orgOf(req), req.params.groupId)));

  for (const which of ['members', 'individuals'] as const) {
    app.get<WithParams<'groupId'>>(`/api/v2/groups/:groupId/${which}`, async (req) => {
      const org = orgOf(req);
      const g = requireGroup(org, req.params.groupId);
      const q = queryOf(req);
      const page = pageOf(q, rules());
      const users = g.memberIds.map((id) => org.users.get(id)).filter((u): u is User => u !== undefined);
      return listing(userList(org, sorted(users, q1(q, 'sortOrder')), req), page, `/api/v2/groups/${g.id}/${which}`, q, ['expand', 'sortOrder']);
    });
  }

  app.post('/api/v2/groups', async (req) => {
    const org = orgOf(req);
    const body = newGroupSchema.safeParse(req.body ?? {});
    if (!body.success) throw badRequest(`Invalid group: ${describeIssues(body.error.issues)}`, 'constraint.validation');
    const b = body.data;
    const g: Group = { id: ctx.rng.uuid(), name: b.name, type: b.type, visibility: b.visibility, rulesVisible: b.rulesVisible, state: 'active', version: 1, dateModified: ctx.clock.now(), memberIds: [], ownerIds: b.ownerIds ?? [] };
    if (b.description) g.description = b.description;
    org.groups.set(g.id, g);
    return groupJson(g);
  });

  // Groups API, "Delete group": 204; the group is gone from every listing.
  app.delete<WithParams<'groupId'>>('/api/v2/groups/:groupId', async (req, reply) => {
    const g = requireGroup(orgOf(req), req.params.groupId);
    g.state = 'deleted';
    g.dateModified = ctx.clock.now();
    return reply.code(204).send();
  });

  app.post<WithParams<'groupId'>>('/api/v2/groups/:groupId/members', async (req, reply) => {
    const org = orgOf(req);
    const g = requireGroup(org, req.params.groupId);
    const body = membersSchema.safeParse(req.body ?? {});
    if (!body.success) throw badRequest(`Invalid member request: ${describeIssues(body.error.issues)}`, 'constraint.validation');
    if (body.data.version !== g.version) throw conflict(`Group version ${body.data.version} does not match the current version ${g.version}`);
    try {
      addMembers(org, g, body.data.memberIds, ctx.clock.now());
    } catch (err) {
      throw badRequest(errorMessage(err), 'invalid.value');
    }
    return reply.code(202).send({});
  });

  app.delete<WithParams<'groupId'>>('/api/v2/groups/:groupId/members', async (req, reply) => {
    const org = orgOf(req);
    const g = requireGroup(org, req.params.groupId);
    const ids = qList(queryOf(req), 'ids');
    if (ids.length === 0) throw badRequest('ids is required (comma-separated user ids)', 'invalid.value', [{ fieldName: 'ids' }]);
    removeMembers(g, ids, ctx.clock.now());
    return reply.code(202).send({});
  });
}

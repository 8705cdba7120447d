/**
 * Control API, setup half: seeding, orgs, users, groups and membership, OAuth
 * clients, integrations (with on-demand probes) and settings.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { ControlError, controlNotFound, describeIssues } from '../errors.js';
import type { WithParams } from '../http/request.js';
import { addMembers, removeMembers } from '../state/directory.js';
import { applySeed, describeOrg, seedClient, seedGroup, seedIntegration, seedUser } from '../state/apply-seed.js';
import { parseSeed, seedClientSchema, seedGroupSchema, seedIntegrationSchema, seedUserSchema } from '../state/seed.js';
import { eventBridgeSinkSchema } from '../notify/eventbridge.js';
import { dialOutSchema, rateLimitSchema } from '../settings.js';
import { patchSettings } from './ops.js';

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw new ControlError(`invalid ${what}: ${describeIssues(r.error.issues)}`);
  return r.data;
}

const membersSchema = z.strictObject({ userIds: z.array(z.string()).min(1) });
const orgSettingsSchema = z.strictObject({ rateLimit: rateLimitSchema.partial().nullable().optional(), dialOut: dialOutSchema.partial().nullable().optional() });

/** Adding one more thing to an existing org reuses the seed format and code. */
function seedInto(ctx: EmulatorContext, orgId: string, part: 'users' | 'groups' | 'oauthClients' | 'integrations', items: unknown[]): unknown[] {
  const org = ctx.orgs.require(orgId);
  switch (part) {
    case 'users':
      return items.map((raw) => seedUser(ctx, org, parse(seedUserSchema, raw, 'user')));
    case 'groups':
      return items.map((raw) => {
        const g = seedGroup(ctx, org, parse(seedGroupSchema, raw, 'group'));
        return { id: g.id, name: g.name, memberIds: g.memberIds };
      });
    case 'oauthClients':
      return items.map((raw) => seedClient(ctx, org, parse(seedClientSchema, raw, 'OAuth client')));
    case 'integrations':
      return items.map((raw) => seedIntegration(ctx, org, parse(seedIntegrationSchema, raw, 'integration')));
  }
}

const asList = (body: unknown): unknown[] => (Array.isArray(body) ? body : [body]);

export function setupRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post('/seed', async (req) => ({ orgs: applySeed(ctx, parseSeed(req.body)) }));
  app.get('/orgs', async () => ctx.orgs.all().map((o) => describeOrg(ctx, o)));
  app.get<WithParams<'orgId'>>('/orgs/:orgId', async (req) => describeOrg(ctx, ctx.orgs.require(req.params.orgId)));

  const parts = { users: 'users', groups: 'groups', clients: 'oauthClients', integrations: 'integrations' } as const;
  for (const [path, part] of Object.entries(parts)) {
    app.post<WithParams<'orgId'>>(`/orgs/:orgId/${path}`, async (req) => seedInto(ctx, req.params.orgId, part, asList(req.body)));
  }

  app.post<WithParams<'orgId' | 'groupId'>>('/orgs/:orgId/groups/:groupId/members', async (req) => {
    const p = req.params;
    const org = ctx.orgs.require(p.orgId);
    const g = org.groups.get(p.groupId);
    if (!g) throw controlNotFound(`group ${p.groupId}`);
    addMembers(org, g, parse(membersSchema, req.body, 'members').userIds, ctx.clock.now());
    return { id: g.id, version: g.version, memberIds: g.memberIds };
  });

  app.delete<WithParams<'orgId' | 'groupId'>>('/orgs/:orgId/groups/:groupId/members', async (req) => {
    const p = req.params;
    const g = ctx.orgs.require(p.orgId).groups.get(p.groupId);
    if (!g) throw controlNotFound(`group ${p.groupId}`);
    removeMembers(g, parse(membersSchema, req.body, 'members').userIds, ctx.clock.now());
    return { id: g.id, version: g.version, memberIds: g.memberIds };
  });

  app.post<WithParams<'orgId' | 'integrationId'>>('/orgs/:orgId/integrations/:integrationId/probe', async (req) => {
    const p = req.params;
    const i = ctx.integrations.get(ctx.orgs.require(p.orgId).id, p.integrationId);
    if (!i) throw controlNotFound(`integration ${p.integrationId}`);
    if (i.intendedState !== 'ENABLED') throw new ControlError('only an enabled integration can be probed', 409, 'conflict');
    await ctx.dialer.probe(i);
    return { id: i.id, reportedState: i.reported.code, detail: i.reported.detail ?? null };
  });

  app.get<WithParams<'orgId' | 'integrationId'>>('/orgs/:orgId/integrations/:integrationId', async (req) => {
    const p = req.params;
    const i = ctx.integrations.get(p.orgId, p.integrationId);
    if (!i) throw controlNotFound(`integration ${p.integrationId}`);
    return { id: i.id, name: i.name, intendedState: i.intendedState, reportedState: i.reported.code, detail: i.reported.detail ?? null };
  });

  app.put<WithParams<'orgId'>>('/orgs/:orgId/settings', async (req) => {
    const org = ctx.orgs.require(req.params.orgId);
    const b = parse(orgSettingsSchema, req.body, 'org settings');
    if (b.rateLimit === null) delete org.rateLimit;
    else if (b.rateLimit) org.rateLimit = b.rateLimit;
    if (b.dialOut === null) delete org.dialOut;
    else if (b.dialOut) org.dialOut = b.dialOut;
    return { rateLimit: org.rateLimit ?? null, dialOut: org.dialOut ?? null };
  });

  // The org's EventBridge sink (null removes it); answers the sink with its secret masked.
  app.put<WithParams<'orgId'>>('/orgs/:orgId/eventbridge', async (req) => {
    const org = ctx.orgs.require(req.params.orgId);
    if (req.body === null) delete org.eventBridge;
    else org.eventBridge = parse(eventBridgeSinkSchema, req.body, 'EventBridge sink');
    return org.eventBridge ? { ...org.eventBridge, secret: '****' } : null;
  });

  app.get('/settings', async () => ctx.settings());
  app.patch('/settings', async (req) => patchSettings(ctx, req.body));
}

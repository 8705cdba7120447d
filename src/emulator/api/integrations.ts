/**
 * Integrations API (Genesys Cloud docs, "Integrations API"): integrations, their current config,
 * types, client apps and credentials — enough for an install wizard to create
 * and enable an AudioHook integration.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { ApiError, badRequest, describeIssues, notFound } from '../errors.js';
import { listing, pageOf } from '../http/paging.js';
import { orgOf, qList, queryOf, type WithParams } from '../http/request.js';
import { configJson, INTEGRATION_TYPES, IntegrationError, integrationJson, type Integration } from '../integrations/store.js';

const createSchema = z.object({ name: z.string().optional(), integrationType: z.object({ id: z.string() }), notes: z.string().optional() });
const patchSchema = z.object({ intendedState: z.enum(['ENABLED', 'DISABLED']).optional(), name: z.string().optional(), notes: z.string().optional() });
const configSchema = z.object({
  name: z.string().optional(),
  version: z.number().int(),
  properties: z.record(z.string(), z.unknown()).default({}),
  advanced: z.record(z.string(), z.unknown()).default({}),
  notes: z.string().optional(),
  credentials: z.record(z.string(), z.object({ id: z.string() })).default({}),
});
const credentialSchema = z.object({
  name: z.string().min(1),
  type: z.union([z.string(), z.object({ name: z.string() })]),
  credentialFields: z.record(z.string(), z.string()),
});

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw badRequest(`Invalid ${what}: ${describeIssues(r.error.issues)}`, 'constraint.validation');
  return r.data;
}

function mapped<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof IntegrationError) throw new ApiError(err.status, err.status === 409 ? 'conflict' : 'bad.request', err.message);
    throw err;
  }
}

export function integrationRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const store = ctx.integrations;
  const paging = () => ({ ...ctx.settings().paging, maxPageSize: 1000 });
  const expanded = (req: FastifyRequest) => qList(queryOf(req), 'expand').includes('config.current');
  const integrationOf = (req: FastifyRequest<WithParams<'integrationId'>>): Integration => {
    const id = req.params.integrationId;
    const i = store.get(orgOf(req).id, id);
    if (!i) throw notFound(`Integration ${id} was not found.`);
    return i;
  };

  app.get('/api/v2/integrations', async (req) => {
    const list = store.list(orgOf(req).id).map((i) => integrationJson(i, expanded(req)));
    return listing(list, pageOf(queryOf(req), paging()), '/api/v2/integrations', queryOf(req), ['expand']);
  });

  app.post('/api/v2/integrations', async (req) => {
    const b = parse(createSchema, req.body, 'integration');
    const i = mapped(() => store.create(orgOf(req).id, b.integrationType.id, b.name));
    if (b.notes) i.notes = b.notes;
    return integrationJson(i, false);
  });

  app.get<WithParams<'integrationId'>>('/api/v2/integrations/:integrationId', async (req) => integrationJson(integrationOf(req), expanded(req)));

  app.patch<WithParams<'integrationId'>>('/api/v2/integrations/:integrationId', async (req) => {
    const i = integrationOf(req);
    const b = parse(patchSchema, req.body, 'integration update');
    if (b.name) i.name = b.name;
    if (b.notes !== undefined) i.notes = b.notes;
    if (b.intendedState) store.setIntendedState(i, b.intendedState);
    return integrationJson(i, false);
  });

  app.delete<WithParams<'integrationId'>>('/api/v2/integrations/:integrationId', async (req) => {
    const i = integrationOf(req);
    store.remove(i);
    return integrationJson(i, false);
  });

  app.get<WithParams<'integrationId'>>('/api/v2/integrations/:integrationId/config/current', async (req) => configJson(integrationOf(req)));

  app.put<WithParams<'integrationId'>>('/api/v2/integrations/:integrationId/config/current', async (req) => {
    const i = integrationOf(req);
    const b = parse(configSchema, req.body, 'integration config');
    for (const [k, ref] of Object.entries(b.credentials)) {
      if (!store.credential(i.orgId, ref.id)) throw badRequest(`credentials.${k}: credential ${ref.id} does not exist`, 'invalid.value');
    }
    mapped(() => store.setConfig(i, { ...b, name: b.name ?? i.config.name }));
    return configJson(i);
  });

  app.get('/api/v2/integrations/types', async (req) => {
    const types = INTEGRATION_TYPES.map((t) => ({ id: t.id, name: t.name, description: t.description, provider: t.provider, category: t.category, selfUri: `/api/v2/integrations/types/${t.id}` }));
    return listing(types, pageOf(queryOf(req), paging()), '/api/v2/integrations/types', queryOf(req));
  });

  app.get<WithParams<'typeId'>>('/api/v2/integrations/types/:typeId', async (req) => {
    const id = req.params.typeId;
    const t = INTEGRATION_TYPES.find((x) => x.id === id);
    if (!t) throw notFound(`Integration type ${id} was not found.`);
    return { id: t.id, name: t.name, description: t.description, provider: t.provider, category: t.category, selfUri: `/api/v2/integrations/types/${t.id}` };
  });

  app.get('/api/v2/integrations/clientapps', async (req) => {
    const apps = store.list(orgOf(req).id).filter((i) => INTEGRATION_TYPES.find((t) => t.id === i.typeId)?.clientApp);
    return listing(apps.map((i) => integrationJson(i, false)), pageOf(queryOf(req), paging()), '/api/v2/integrations/clientapps', queryOf(req));
  });

  app.post('/api/v2/integrations/credentials', async (req) => {
    const b = parse(credentialSchema, req.body, 'credential');
    const type = typeof b.type === 'string' ? b.type : b.type.name;
    const c = store.addCredential(orgOf(req).id, b.name, type, b.credentialFields);
    return { id: c.id, name: c.name, type: { name: c.type }, selfUri: `/api/v2/integrations/credentials/${c.id}` };
  });

  app.get('/api/v2/integrations/credentials', async (req) => {
    const list = store.credentialsOf(orgOf(req).id).map((c) => ({ id: c.id, name: c.name, type: { name: c.type } }));
    return listing(list, pageOf(queryOf(req), paging()), '/api/v2/integrations/credentials', queryOf(req));
  });

  app.get<WithParams<'credentialId'>>('/api/v2/integrations/credentials/:credentialId', async (req) => {
    const id = req.params.credentialId;
    const c = store.credential(orgOf(req).id, id);
    if (!c) throw notFound(`Credential ${id} was not found.`);
    // Secrets are write-only: field names come back, values do not.
    return { id: c.id, name: c.name, type: { name: c.type }, credentialFields: Object.fromEntries(Object.keys(c.fields).map((k) => [k, ''])) };
  });

  app.delete<WithParams<'credentialId'>>('/api/v2/integrations/credentials/:credentialId', async (req, reply) => {
    const id = req.params.credentialId;
    const c = store.credential(orgOf(req).id, id);
    if (!c) throw notFound(`Credential ${id} was not found.`);
    store.removeCredential(c);
    return reply.code(204).send();
  });
}

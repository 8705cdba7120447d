/**
 * The OpenAPI document is generated from the routes' zod schemas: it is a
 * structurally sound OpenAPI 3.1 document naming every route and parameter,
 * real responses validate against it (Ajv, JSON Schema 2020-12), and it
 * changes when a schema changes.
 */
import { randomUUID } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { conversationListQuery } from '../../src/api/schemas.js';
import { ConversationContextService, SessionStatusStore, dataActionRoute, openApiDocument, operationsRoutes, readRoutes, type RouteSpec } from '../../src/api/index.js';
import { openAppDatabase } from '../../src/app/database.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { MemoryState } from '../../src/platform/state/index.js';
import { tempDir } from '../helpers/tmp.js';
import { at, importedCall, liveCall, readApi } from './fixtures.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

// The document needs the routes' shapes only: no handler runs here.
const unused = undefined as never;
const routes = (): RouteSpec[] => [...readRoutes({ read: unused, tokens: unused }), ...operationsRoutes({ read: unused, deliveries: unused }), dataActionRoute(unused)];

type Doc = { openapi: string; paths: Record<string, Record<string, { parameters: { name: string; in: string; required: boolean; schema: object }[]; responses: Record<string, { content: { 'application/json': { schema: object } } }>; requestBody?: unknown }>> };
const doc = (r = routes()) => openApiDocument(r, '1.0.0') as unknown as Doc;

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and names every route with its parameters', () => {
    const d = doc();
    expect(d.openapi).toBe('3.1.0');
    for (const r of routes()) {
      const op = d.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      if (!op) continue;
      const want = [...Object.keys((r.params as z.ZodObject | undefined)?.shape ?? {}).map((n) => `path:${n}`), ...Object.keys((r.query as z.ZodObject | undefined)?.shape ?? {}).map((n) => `query:${n}`)];
      expect(op.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(want);
      for (const p of op.parameters) if (p.in === 'path') expect(p.required).toBe(true);
      for (const [, name] of r.path.matchAll(/\{(\w+)\}/g)) expect(op.parameters).toContainEqual(expect.objectContaining({ in: 'path', name }));
      expect(op.responses['200']?.content['application/json'].schema).toBeTypeOf('object');
      expect(Boolean(op.requestBody)).toBe(r.body !== undefined);
    }
    expect(Object.keys(d.paths).sort()).toEqual([
      '/api/v1/actions/{tenant}/conversation-context',
      '/api/v1/conversations',
      '/api/v1/conversations/{id}',
      '/api/v1/events',
      '/api/v1/ingest/dead-letters/{id}/retry',
      '/api/v1/ingest/reconcile',
      '/api/v1/ingest/reconciliations',
      '/api/v1/ingest/status',
      '/api/v1/tokens',
      '/api/v1/webhooks/deliveries',
      '/api/v1/webhooks/deliveries/{id}/redeliver',
    ]);
    // Every schema in it compiles as JSON Schema 2020-12 (the dialect of OpenAPI 3.1).
    const ajv = new Ajv2020({ strict: false });
    formats.default(ajv);
    for (const path of Object.values(d.paths)) for (const op of Object.values(path)) {
      for (const p of op.parameters) ajv.compile(p.schema);
      for (const res of Object.values(op.responses)) ajv.compile(res.content['application/json'].schema);
    }
  });

  it('changes when a zod schema changes (it is generated, not written)', () => {
    const changed = routes().map((r) => (r.operationId === 'listConversations' ? { ...r, query: conversationListQuery.extend({ queue: z.string().describe('a queue') }) } : r));
    const before = doc().paths['/api/v1/conversations']?.get?.parameters.map((p) => p.name);
    const after = doc(changed).paths['/api/v1/conversations']?.get?.parameters.map((p) => p.name);
    expect(before).not.toContain('queue');
    expect(after).toEqual([...(before ?? []), 'queue']);
  });

  it('real responses validate against their documented schema', async () => {
    const db = await openAppDatabase(`sqlite:${tmp.dir}/openapi.db`);
    const { app, tokens, store, live } = await readApi(db);
    try {
      const tenant = randomUUID();
      const agent = randomUUID();
      const [imp, lv] = [randomUUID(), randomUUID()];
      await importedCall(store, tenant, imp, agent, at(1));
      await liveCall(live, tenant, lv, agent, at(2), at(3));
      const { secret } = await tokens.create(tenant, 'docs', 'admin');
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      formats.default(ajv);
      const d = doc();
      const check = async (path: string, docPath: string) => {
        const r = await app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${secret}` } });
        expect(r.statusCode).toBe(200);
        const validate = ajv.compile(d.paths[docPath]?.get?.responses['200']?.content['application/json'].schema ?? {});
        expect(validate(r.json()), `${path}: ${ajv.errorsText(validate.errors)}`).toBe(true);
        // The check has teeth: a response missing a required field fails it.
        expect(validate({ ...r.json(), items: undefined, conversationId: undefined })).toBe(false);
      };
      await check('/api/v1/conversations', '/api/v1/conversations');
      await check(`/api/v1/conversations/${imp}`, '/api/v1/conversations/{id}');
      await check(`/api/v1/conversations/${lv}`, '/api/v1/conversations/{id}');
      await check('/api/v1/events', '/api/v1/events');
      await check('/api/v1/tokens', '/api/v1/tokens');
      const ctx = await new ConversationContextService({ store, live, status: new SessionStatusStore(new MemoryState(createLogger({ level: 'silent' })), createLogger({ level: 'silent' })), recorderEnabled: true }).context(tenant, lv);
      const validate = ajv.compile(d.paths['/api/v1/actions/{tenant}/conversation-context']?.post?.responses['200']?.content['application/json'].schema ?? {});
      expect(validate(ctx), ajv.errorsText(validate.errors)).toBe(true);
    } finally {
      await app.close();
      await db.close();
    }
  });
});

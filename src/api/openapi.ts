/**
 * The OpenAPI 3.1 document, generated from the route table (routes.ts): the
 * same zod schemas that validate requests describe them here, through
 * `z.toJSONSchema` (JSON Schema 2020-12, which OpenAPI 3.1 uses). Nothing in
 * it is written by hand but titles and the security scheme.
 */
import { z } from 'zod';
import { problem } from './schemas.js';
import type { RouteSpec } from './routes.js';

type Json = Record<string, unknown>;

/** Inline schemas carry no `$schema` (the document's dialect applies). */
function schemaOf(s: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as Json;
  return rest;
}

function parameters(where: 'path' | 'query', s: z.ZodType | undefined): Json[] {
  if (!s) return [];
  const json = schemaOf(s, 'input');
  const props = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(props).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { name, in: where, required: where === 'path' || required.has(name), ...(description !== undefined ? { description } : {}), schema: rest };
  });
}

const json = (schema: Json, description: string): Json => ({ description, content: { 'application/json': { schema } } });

/** An event stream's 200: each SSE `event:` name with its `data:` JSON schema (x-hookline-events, since OpenAPI 3.1 has no per-event schema). */
function streamResponse(r: RouteSpec): Json {
  const events = r.stream?.events ?? {};
  const names = Object.keys(events).join(', ');
  return {
    description: `Server-Sent Events (text/event-stream), until the client disconnects: events ${names}; a comment line every 15 s keeps it open. A client that does not read is disconnected.`,
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        'x-hookline-events': Object.fromEntries(Object.entries(events).map(([name, e]) => [name, { description: e.description, schema: schemaOf(e.schema, 'output') }])),
      },
    },
  };
}

const RANGE: Json = { name: 'Range', in: 'header', required: false, description: 'One byte range, `bytes=start-[end]` or `bytes=-suffix` (RFC 9110 section 14.2); others are ignored', schema: { type: 'string' } };

/** A binary answer: the whole media (200) or one range of it (206); 416 past its end. */
function mediaResponses(types: readonly string[], error: Json): Json {
  const content = Object.fromEntries(types.map((t) => [t, { schema: { type: 'string', contentMediaType: t } }]));
  return {
    '200': { description: 'The whole media', headers: { 'Accept-Ranges': { schema: { type: 'string', const: 'bytes' } } }, content },
    '206': { description: 'The range asked for', headers: { 'Content-Range': { schema: { type: 'string' } } }, content },
    '416': json(error, 'The range starts past the end of the media'),
  };
}

function operation(r: RouteSpec): Json {
  const error = schemaOf(problem, 'output');
  return {
    operationId: r.operationId,
    summary: r.summary,
    security: [{ bearer: [] }],
    'x-hookline-scope': r.scope,
    parameters: [...parameters('path', r.params), ...parameters('query', r.query), ...(r.produces ? [RANGE] : [])],
    ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } } } : {}),
    responses: {
      ...(r.produces ? mediaResponses(r.produces, error) : { '200': r.stream ? streamResponse(r) : json(schemaOf(r.response, 'output'), 'OK') }),
      '400': json(error, 'A parameter or the body is invalid; the message names the field'),
      '401': json(error, 'No valid API token'),
      '403': json(error, `The token's scope is not ${r.scope}, or the path names another tenant`),
      '404': json(error, 'Not found (or another tenant\'s)'),
      ...(r.stream ? { '429': json(error, 'This token or login already holds as many open streams as it may') } : {}),
    },
  };
}

export function openApiDocument(routes: readonly RouteSpec[], version: string): Json {
  const paths: Record<string, Json> = {};
  for (const r of routes) paths[r.path] = { ...(paths[r.path] ?? {}), [r.method.toLowerCase()]: operation(r) };
  return {
    openapi: '3.1.0',
    info: { title: 'Hookline API', version, description: 'Read API (admin listener) and the Genesys Data Action endpoint (public listener). Tokens: `hookline token add`.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A Hookline API token (hlk_…)' } } },
    paths,
  };
}

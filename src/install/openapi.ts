/**
 * The install routes in the OpenAPI document (`/api/v1/openapi.json`): they are not token routes
 * (src/api/routes.ts), so they are described here from the same zod schemas that validate them.
 */
import { z } from 'zod';
import { loginBody, setupBody, tokenBody } from './routes.js';

type Json = Record<string, unknown>;
const schema = (s: z.ZodType): Json => {
  const { $schema: _d, ...rest } = z.toJSONSchema(s, { io: 'input', target: 'draft-2020-12' }) as Json;
  return rest;
};
const body = (s: z.ZodType) => ({ requestBody: { required: true, content: { 'application/json': { schema: schema(s) } } } });
const op = (operationId: string, summary: string, security: Json[], extra: Json = {}): Json => ({
  operationId,
  summary,
  tags: ['install'],
  security,
  ...extra,
  responses: { '200': { description: 'OK' }, '400': { description: 'A field is invalid; the message names it' }, '401': { description: 'No run cookie, or no valid installer token' }, '502': { description: 'A Genesys call failed; the message says which' } },
});
const cookie = [{ installRun: [] }];

export function installOpenApiPaths(): Record<string, Json> {
  return {
    '/api/v1/install/config': { get: op('installConfig', "The Genesys authorize URL and the wizard's OAuth client id", []) },
    '/api/v1/install/login': { post: op('installLogin', "Redeem the Genesys PKCE code; starts or resumes the org's install run and sets its cookie", [], body(loginBody)) },
    '/api/v1/install/token': { post: op('installToken', 'Exchange installer credentials (hookline installer add) for a short-lived hli_ token', [], body(tokenBody)) },
    '/api/v1/install/run': { get: op('installRun', 'The run: steps done, what was created (ids and links), the probe state', cookie) },
    '/api/v1/install/run/check': { get: op('installCheck', 'Permissions the admin lacks, AudioHook availability, what will be created', cookie) },
    '/api/v1/install/run/setup': { post: op('installSetup', 'Name the Hookline tenant; needs the hli_ token as Bearer', [{ installRun: [], installer: [] }], body(setupBody)) },
    '/api/v1/install/run/install': { post: op('installRunSteps', 'Run every step not done yet (idempotent); fails with the probe state if the connection probe does not pass', cookie) },
    '/api/v1/install/run/uninstall': { post: op('installUninstall', 'Delete exactly what the run created, in Genesys and in Hookline', cookie) },
  };
}

export const installSecuritySchemes = {
  installRun: { type: 'apiKey', in: 'cookie', name: 'hookline_install', description: 'Set by POST /api/v1/install/login' },
  installer: { type: 'http', scheme: 'bearer', description: 'An installer token (hli_…) from POST /api/v1/install/token' },
};

/** Adds the install routes to a document made by openApiDocument (src/api/openapi.ts). */
export function withInstallPaths(doc: Record<string, unknown>): void {
  Object.assign(doc.paths as Json, installOpenApiPaths());
  const components = doc.components as { securitySchemes: Json };
  Object.assign(components.securitySchemes, installSecuritySchemes);
}

/**
 * Notifications REST (Genesys Cloud docs, "Notification service"): channels, subscriptions, available topics.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { orgOf, q1, qBool, qList, queryOf, tokenOf, type WithParams } from '../http/request.js';
import type { Channel } from '../notify/channels.js';
import { availableTopic, TOPICS } from '../notify/topics.js';

function topicIds(body: unknown): string[] {
  if (!Array.isArray(body)) throw badRequest('The body must be an array of topics: [{"id": "v2.users.{id}.conversations.calls"}, …]', 'invalid.value');
  return body.map((t, i) => {
    const id: unknown = t && typeof t === 'object' && 'id' in t ? t.id : undefined;
    if (typeof id !== 'string' || id.length === 0) throw badRequest(`Topic ${i} has no id`, 'invalid.value', [{ fieldName: `[${i}].id` }]);
    return id;
  });
}

export function notificationRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const n = ctx.notifications;
  const channelJson = (c: Channel) => ({ connectUri: ctx.urls.channelUri(c.env, c.id), id: c.id, expires: new Date(c.expires).toISOString() });

  /** The caller's own channel (another org's or region's channel is simply not found). */
  const channelOf = (req: FastifyRequest<WithParams<'channelId'>>): Channel => {
    const id = req.params.channelId;
    const ch = n.registry.get(id);
    if (!ch || ch.orgId !== orgOf(req).id || ch.env !== tokenOf(req).env) throw notFound(`Channel ${id} was not found.`);
    return ch;
  };

  app.post('/api/v2/notifications/channels', async (req) => {
    const t = tokenOf(req);
    return channelJson(n.createChannel({ orgId: t.orgId, env: t.env, clientId: t.clientId, token: t.token }));
  });

  app.get('/api/v2/notifications/channels', async (req) => {
    const t = tokenOf(req);
    const scope = q1(queryOf(req), 'includechannels') ?? 'token';
    if (scope !== 'token' && scope !== 'oauthclient') throw badRequest(`includechannels must be token or oauthclient (got ${scope})`, 'invalid.value');
    const list = scope === 'token' ? n.registry.listForToken(t.token) : n.registry.listForClient(t.clientId);
    return { entities: list.map(channelJson) };
  });

  app.head<WithParams<'channelId'>>('/api/v2/notifications/channels/:channelId', async (req, reply) => {
    channelOf(req);
    return reply.code(200).send();
  });

  app.get<WithParams<'channelId'>>('/api/v2/notifications/channels/:channelId/subscriptions', async (req) => ({
    entities: [...channelOf(req).topics].map((id) => ({ id, state: 'Permitted' })),
  }));

  for (const method of ['PUT', 'POST'] as const) {
    app.route<WithParams<'channelId'>>({
      method,
      url: '/api/v2/notifications/channels/:channelId/subscriptions',
      handler: async (req) => {
        const ch = channelOf(req);
        const ignoreErrors = qBool(queryOf(req), 'ignoreErrors', false);
        return { entities: n.subscribe(ch, topicIds(req.body), method === 'PUT', ignoreErrors) };
      },
    });
  }

  app.delete<WithParams<'channelId'>>('/api/v2/notifications/channels/:channelId/subscriptions', async (req, reply) => {
    n.unsubscribeAll(channelOf(req));
    return reply.code(204).send();
  });

  app.get('/api/v2/notifications/availabletopics', async (req) => {
    const expand = new Set(qList(queryOf(req), 'expand').map((e) => e.toLowerCase()));
    return { entities: TOPICS.map((t) => availableTopic(t, expand)) };
  });
}

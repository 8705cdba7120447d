/**
 * Control API, run half: calls and steady load, the clock, evaluations and
 * surveys, faults, notification-channel triggers, job outcomes, and the log
 * of everything emitted.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errorMessage } from '../../platform/util/error-message.js';
import { LoadRun, parseLoad } from '../calls/load.js';
import type { EmulatorContext } from '../context.js';
import { ControlError, controlNotFound, describeIssues } from '../errors.js';
import { faultSchema } from '../http/faults.js';
import { deliveryFaultSchema } from '../notify/delivery-faults.js';
import { q1, queryOf, type WithParams } from '../http/request.js';
import { addHistory } from './history.js';
import { callSummary, startCall } from './ops.js';

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw new ControlError(`invalid ${what}: ${describeIssues(r.error.issues)}`);
  return r.data;
}

const attachmentSchema = z.object({ eventTime: z.string().optional(), delayMs: z.number().int().min(0).optional() }).passthrough();
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));

export function runRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const loads = new Map<string, LoadRun>();
  const callOf = (id: string) => {
    const c = ctx.calls.get(id);
    if (!c) throw controlNotFound(`conversation ${id}`);
    return c;
  };

  app.post<WithParams<'orgId'>>('/orgs/:orgId/calls', async (req) => callSummary(startCall(ctx, req.params.orgId, req.body)));
  app.post<WithParams<'orgId'>>('/orgs/:orgId/history', async (req) => addHistory(ctx, req.params.orgId, req.body));
  app.get<WithParams<'conversationId'>>('/calls/:conversationId', async (req) => callSummary(callOf(req.params.conversationId)));

  for (const kind of ['evaluations', 'surveys'] as const) {
    app.post<WithParams<'conversationId'>>(`/calls/:conversationId/${kind}`, async (req) => {
      const call = callOf(req.params.conversationId);
      const { eventTime, delayMs, ...data } = parse(attachmentSchema, req.body, kind.slice(0, -1));
      const at = eventTime !== undefined ? Date.parse(eventTime) : ctx.clock.now() + (delayMs ?? 0);
      if (Number.isNaN(at)) throw new ControlError('eventTime must be an ISO date');
      const idKey = kind === 'evaluations' ? 'evaluationId' : 'surveyId';
      const doc = { [idKey]: ctx.rng.uuid(), ...data, eventTime: new Date(at).toISOString() };
      call[kind].push({ eventTime: at, data: doc });
      return doc;
    });
  }

  app.post<WithParams<'orgId'>>('/orgs/:orgId/load', async (req) => {
    const org = ctx.orgs.require(req.params.orgId);
    const id = `load-${loads.size + 1}`;
    const run = new LoadRun(id, org.id, parseLoad(req.body), {
      scheduler: ctx.scheduler,
      now: () => ctx.clock.now(),
      agents: () => [...org.users.values()].filter((u) => u.state === 'active').map((u) => u.id),
      freeAt: (u) => ctx.calls.agentFreeAt(u),
      startCall: (r) => startCall(ctx, org.id, r).timeline.conversationId,
    });
    loads.set(id, run);
    return run.status;
  });
  const loadOf = (id: string) => {
    const l = loads.get(id);
    if (!l) throw controlNotFound(`load ${id}`);
    return l;
  };
  app.get<WithParams<'id'>>('/load/:id', async (req) => loadOf(req.params.id).status);
  app.delete<WithParams<'id'>>('/load/:id', async (req) => {
    const l = loadOf(req.params.id);
    l.stop();
    return l.status;
  });

  const clockJson = () => ({ now: ctx.clock.now(), iso: ctx.nowIso(), speed: ctx.clock.speed, pendingTimers: ctx.scheduler.size });
  app.get('/clock', async () => clockJson());
  app.put('/clock', async (req) => {
    const b = parse(z.strictObject({ speed: z.number() }), req.body, 'clock');
    try {
      ctx.clock.setSpeed(b.speed);
    } catch (err) {
      throw new ControlError(errorMessage(err));
    }
    ctx.scheduler.poke();
    return clockJson();
  });
  app.post('/clock/advance', async (req) => {
    const b = parse(z.strictObject({ ms: z.number().int().min(0) }), req.body, 'advance');
    ctx.clock.advance(b.ms);
    ctx.scheduler.poke();
    return clockJson();
  });

  app.post('/faults', async (req) => ctx.faults.add(parse(faultSchema, req.body, 'fault')));
  app.get('/faults', async () => ctx.faults.list());
  app.delete('/faults', async () => {
    ctx.faults.clear();
    return { cleared: true };
  });
  app.post('/ratelimit/reset', async () => {
    ctx.limiter.reset();
    return { reset: true };
  });

  channelRoutes(app, ctx);

  for (const outcome of ['fail', 'expire'] as const) {
    app.post<WithParams<'jobId'>>(`/jobs/:jobId/${outcome}`, async (req) => {
      const job = ctx.jobs.find(req.params.jobId);
      if (!job) throw controlNotFound('job');
      const msg = parse(z.object({ errorMessage: z.string().optional() }), req.body, 'job outcome').errorMessage;
      ctx.jobs.force(job, outcome === 'fail' ? 'FAILED' : 'EXPIRED', msg);
      return ctx.jobs.status(job);
    });
  }

  app.get('/log/notifications', async (req) => {
    const q = queryOf(req);
    return ctx.log.queryNotifications({
      channelId: q1(q, 'channelId'),
      topic: q1(q, 'topic'),
      topicPrefix: q1(q, 'topicPrefix'),
      conversationId: q1(q, 'conversationId'),
      since: num(q1(q, 'since')),
      limit: num(q1(q, 'limit')),
    });
  });
  app.get('/log/audiohook', async (req) => {
    ctx.dialer.refreshDigests();
    const q = queryOf(req);
    return ctx.log.querySessions({ conversationId: q1(q, 'conversationId'), kind: q1(q, 'kind'), integrationId: q1(q, 'integrationId') });
  });
  app.get('/log/botcalls', async (req) => {
    const q = queryOf(req);
    return ctx.log.queryBotCalls({ conversationId: q1(q, 'conversationId'), integrationId: q1(q, 'integrationId') });
  });
  // The bot audio a session received (raw 8 kHz µ-law, up to botCalls.maxReceivedBytes), for listening tests.
  app.get<WithParams<'sessionId'>>('/log/botcalls/:sessionId/audio', async (req, reply) => {
    const audio = ctx.log.botCallAudio(req.params.sessionId.toLowerCase());
    if (!audio) throw controlNotFound(`bot call session ${req.params.sessionId}`);
    return reply.type('audio/basic').send(Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength));
  });
  app.get('/log/happenings', async (req) => {
    const q = queryOf(req);
    return ctx.log.queryHappenings({ kind: q1(q, 'kind'), since: num(q1(q, 'since')) });
  });

  app.get('/state', async () => ({
    clock: clockJson(),
    orgs: ctx.orgs.all().map((o) => ({ orgId: o.id, name: o.name, env: o.env, calls: ctx.calls.forOrg(o.id).length })),
    activeCalls: ctx.calls.activeCount(ctx.clock.now()),
    audioHookSessions: ctx.dialer.activeSessions,
    botCallSessions: ctx.botCaller.activeSessions,
    channels: ctx.notifications.registry.all().length,
    loads: [...loads.values()].map((l) => l.status),
  }));
}

function channelRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const n = ctx.notifications;
  const channelOf = (id: string) => {
    const ch = n.registry.get(id);
    if (!ch) throw controlNotFound(`channel ${id}`);
    return ch;
  };
  app.get('/channels', async () =>
    n.registry.all().map((c) => ({ id: c.id, orgId: c.orgId, env: c.env, clientId: c.clientId, connected: c.connected, topics: c.topics.size, expires: new Date(c.expires).toISOString(), lastUsed: new Date(c.lastUsed).toISOString() })),
  );
  app.post<WithParams<'id'>>('/channels/:id/socket-closing', async (req) => {
    const ch = channelOf(req.params.id);
    const b = parse(z.object({ closeAfterMs: z.number().int().min(0).optional() }), req.body, 'socket-closing');
    const ok = n.sockets?.socketClosing(ch, b.closeAfterMs ?? ctx.settings().notifications.socketClosingDelayMs) ?? false;
    if (!ok) throw new ControlError(`channel ${ch.id} has no connected socket`, 409, 'not_connected');
    ctx.log.happening(ctx.nowIso(), 'channel.socket_closing', { channelId: ch.id });
    return { sent: true };
  });
  app.post<WithParams<'id'>>('/channels/:id/drop', async (req) => {
    const ch = channelOf(req.params.id);
    if (!n.sockets?.drop(ch.id)) throw new ControlError(`channel ${ch.id} has no connected socket`, 409, 'not_connected');
    ctx.log.happening(ctx.nowIso(), 'channel.dropped', { channelId: ch.id });
    return { dropped: true };
  });
  app.post('/notifications/faults', async (req) => {
    const spec = parse(deliveryFaultSchema, req.body, 'notification fault');
    const fault = n.deliveryFaults.add(spec);
    ctx.log.happening(ctx.nowIso(), 'notifications.fault', { ...fault });
    return fault;
  });
  app.get('/notifications/faults', async () => n.deliveryFaults.list());
  app.delete('/notifications/faults', async () => {
    n.clearDeliveryFaults();
    return { cleared: true };
  });
  app.post<WithParams<'id'>>('/channels/:id/expire', async (req) => {
    n.expire(channelOf(req.params.id), 'expired by the control API');
    return { expired: true };
  });
}

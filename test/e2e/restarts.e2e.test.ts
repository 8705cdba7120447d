/**
 * Every backing service restarting under a running server (PostgreSQL,
 * RabbitMQ, Redis, S3, each behind a proxy the test cuts and restores): during
 * a live AudioHook session each is cut in turn; the session keeps answering
 * pings and taking audio, `/readyz` answers 503 naming the dependency and 200
 * once it is back, a call that ends while the queue is down is imported after
 * it recovers, and nothing ends the process.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AudioHookClient } from '../../src/simulate/index.js';
import { proxyFor, type TcpProxy } from '../helpers/proxy.js';
import { openSession, until } from '../helpers/server.js';
import { AMQP_URL, PG_URL, REDIS_URL, S3, dropPgSchema, pgUrlWithFreshSchema, uniqueName } from '../helpers/services.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { watchUncaught } from '../helpers/uncaught.js';

const pg = pgUrlWithFreshSchema();
const proxies: TcpProxy[] = [];
let stack: Stack | undefined;
afterAll(async () => {
  for (const p of proxies) await p.restore();
  await stack?.stop();
  for (const p of proxies) await p.close();
  await dropPgSchema(pg.schema);
});

async function proxy(url: string): Promise<TcpProxy> {
  const p = await proxyFor(url);
  proxies.push(p);
  return p;
}

interface Readiness {
  code: number;
  failed: Record<string, string>;
}

async function readyz(baseUrl: string): Promise<Readiness> {
  const res = await fetch(`${baseUrl}/readyz`);
  const body = (await res.json()) as { failed?: Record<string, string> };
  return { code: res.status, failed: body.failed ?? {} };
}

/** Pings and waits for the pong to this ping. */
async function pong(c: AudioHookClient): Promise<void> {
  const after = c.received.length;
  c.ping();
  await c.waitFor('pong', 5000, after);
}

describe('backing services restarting under a live server', () => {
  it('keeps capturing, reports each dependency not ready while it is down, and recovers', { timeout: 180_000 }, async () => {
    const uncaught = watchUncaught();
    const db = await proxy(PG_URL);
    const queue = await proxy(AMQP_URL);
    const state = await proxy(REDIS_URL);
    const objects = await proxy(S3.endpoint);
    const cuts: [string, TcpProxy][] = [['database', db], ['state', state], ['objects', objects], ['queue', queue]];
    let audio: NodeJS.Timeout | undefined;
    try {
      stack = await startStack({
        agents: 2,
        monitored: 1,
        receiver: false,
        // Admit the test's own session too; imports still follow the monitored group.
        tenant: { admission: 'all', gateTimeoutSeconds: 30 },
        server: {
          database: db.url(pg.url),
          queue: queue.url(AMQP_URL),
          state: state.url(REDIS_URL),
          namespace: uniqueName('hl').replace(/_/g, '-'),
          objects: { url: `s3://${uniqueName('restarts').replace(/_/g, '-')}`, s3: { ...S3, endpoint: objects.url(S3.endpoint), forcePathStyle: true, createBucket: true } },
        },
      });
      const s = stack;
      await s.tracking();
      expect((await readyz(s.t.server.url)).code).toBe(200);

      const c = new AudioHookClient({ url: s.t.wsUrl, apiKey: s.apiKey, clientSecret: s.secret, orgId: s.orgId });
      await openSession(c);
      audio = setInterval(() => c.tick(Buffer.alloc(320, 0x55)), 20);

      for (const [name, p] of cuts) {
        await p.cut();
        await until(async () => (await readyz(s.t.server.url)).failed[name] !== undefined, 15_000, `/readyz to name ${name}`);
        expect((await readyz(s.t.server.url)).code).toBe(503);
        await pong(c);
        let call: Awaited<ReturnType<typeof s.control.startCall>> | undefined;
        if (name === 'queue') {
          // A monitored agent's call ends while the queue is down: its import must not be lost.
          const agent = s.agents[0]!;
          call = await s.control.startCall(s.orgId, { agentIds: [agent.id], queueId: s.queueId, durations: { ivrMs: 200, queueMs: 200, alertMs: 300, talkMs: 1000, acwMs: 300 } });
          await until(() => Date.now() > call!.finalMs + 1000, 30_000, 'the call to end in the emulator');
          await pong(c);
        }
        await p.restore();
        expect(uncaught.errors, `errors that would have ended the process, ${name} cut`).toEqual([]);
        await until(async () => (await readyz(s.t.server.url)).code === 200, 30_000, `/readyz to recover from ${name}`);
        await pong(c);
        if (call) {
          const id = call.conversationId;
          await until(async () => (await s.t.server.store.importedAmong(s.orgId, [id])).size === 1, 60_000, 'the call that ended during the outage to be imported');
        }
        if (name === 'state') await s.tracking(); // the tenant leader is elected again and resubscribes
      }

      expect(c.received.some((m) => m.type === 'disconnect')).toBe(false);
      clearInterval(audio);
      c.close();
      await c.waitFor('closed');
      expect(uncaught.errors).toEqual([]);
    } finally {
      clearInterval(audio);
      uncaught.stop();
    }
  });
});

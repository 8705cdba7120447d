/**
 * A conversation that ends while no replica leads its tenant produces no
 * event anyone hears. The next leader knows when a leader was last alive, and
 * queues a gap reconciliation of that window: the call is imported within
 * seconds, not by the nightly run.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { until } from '../helpers/server.js';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ server: { ingest: { gapReconcileDelaySeconds: 0.5, reconcileSettleSeconds: 0 } } });
  await stack.tracking();
});
afterAll(() => stack?.stop());

it('imports a conversation that ended while no replica led, without the nightly run', async () => {
  const s = stack.t.server;
  await s.tracking.update([]); // the leader is gone; nobody takes over yet
  expect(s.tracking.isLeader(stack.orgId)).toBe(false);
  const call = await stack.control.startCall(stack.orgId, {
    agentIds: [stack.agents[0]!.id],
    queueId: stack.queueId,
    durations: { ivrMs: 100, queueMs: 100, alertMs: 100, talkMs: 400, acwMs: 100 },
    dialOut: { enabled: false },
  });
  // Over, wrapped up, and in analytics (its lag is 500 ms here) before anyone leads again.
  await until(async () => (await stack.control.clock()).now > call.finalMs + 600, 10_000, 'the call to end');
  await s.tracking.update(s.tenants.all());
  await until(() => s.store.isImported(stack.orgId, call.conversationId), 20_000, 'the call to be imported by the takeover gap reconciliation');
  const reports = await s.ingest!.reconciler.reports(stack.orgId);
  expect(reports.some((r) => r.trigger === 'gap' && r.enqueued >= 1)).toBe(true);
}, 60_000);

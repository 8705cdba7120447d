/**
 * RabbitMQ unreachable for a while (a proxy in front of the shared broker, cut
 * and restored): readiness says so, a publish made meanwhile completes once the
 * broker is back, the consumer resumes, and nothing ends the process.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/platform/logging/index.js';
import { openQueue } from '../../../src/platform/queue/index.js';
import { proxyFor } from '../../helpers/proxy.js';
import { until } from '../../helpers/server.js';
import { AMQP_URL, deleteRabbitQueues, uniqueName } from '../../helpers/services.js';
import { watchUncaught } from '../../helpers/uncaught.js';

const logger = createLogger({ level: 'silent' });
const q = uniqueName('q_restart');
afterAll(() => deleteRabbitQueues([q]));

describe('RabbitMQ unreachable for a while', () => {
  it('reports not ready, keeps a publish made meanwhile, and resumes consuming', { timeout: 60_000 }, async () => {
    const uncaught = watchUncaught();
    const proxy = await proxyFor(AMQP_URL);
    const queue = await openQueue(proxy.url(AMQP_URL), { logger }, { connectionName: uniqueName('hl_queue_restart') });
    try {
      const got: string[] = [];
      queue.consume<string>(q, async (m) => void got.push(m.payload), { concurrency: 2, maxAttempts: 3 });
      await queue.publish(q, 'before');
      await until(() => got.includes('before'), 10_000, 'the first message');
      await queue.check();

      await proxy.cut();
      await until(() => queue.check().then(() => false, () => true), 10_000, 'check() to report the broker down');
      const during = queue.publish(q, 'during');
      await proxy.restore();
      await during;
      await until(() => got.includes('during'), 30_000, 'the message published during the outage');
      await queue.check();
      expect(uncaught.errors).toEqual([]);
    } finally {
      uncaught.stop();
      await proxy.restore();
      await queue.close();
      await proxy.close();
    }
  });
});

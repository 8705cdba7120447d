/**
 * The late-attachments pass's schedule in the ingest service: every interval, for each tenant with a Genesys
 * client, the run-once firing (attachments.ts); none at all when the interval is 0. What a pass does is proven
 * end to end in test/e2e/late-attachments.e2e.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configSchema } from '../../src/app/config.js';
import { IngestService, type IngestDeps } from '../../src/ingest/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { createRegistry } from '../../src/platform/metrics/index.js';
import type { Queue } from '../../src/platform/queue/index.js';
import type { Tenant } from '../../src/tenants/index.js';

afterEach(() => void vi.useRealTimers());

function service(ingest: Record<string, unknown>): IngestService {
  const config = configSchema.parse({ tenants: [], ingest });
  const queue = { kind: 'table', consume: () => ({ close: async () => undefined }) } as unknown as Queue;
  const deps = { config, queue, tenant: () => undefined, registry: createRegistry(false), replicaId: 'r1', log: createLogger({ level: 'silent' }) } as unknown as IngestDeps;
  return new IngestService(deps);
}

const tenant = (genesys: boolean) => ({ orgId: randomUUID(), genesys: genesys ? { clientId: 'c' } : undefined, reconcile: { enabled: false } }) as unknown as Tenant;

describe('late-attachments schedule', () => {
  it('fires the pass every interval for each tenant with a Genesys client', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const ingest = service({ attachmentsIntervalSeconds: 600 });
    const fired: string[] = [];
    vi.spyOn(ingest.attachments, 'fire').mockImplementation(async (orgId) => {
      fired.push(orgId);
      return true;
    });
    const [withClient, without] = [tenant(true), tenant(false)];
    ingest.update([withClient, without]);
    ingest.start();
    try {
      await vi.advanceTimersByTimeAsync(599_000);
      expect(fired).toEqual([]);
      await vi.advanceTimersByTimeAsync(1000);
      expect(fired).toEqual([withClient.orgId]);
      await vi.advanceTimersByTimeAsync(600_000);
      expect(fired).toEqual([withClient.orgId, withClient.orgId]);
    } finally {
      await ingest.stop();
    }
    await vi.advanceTimersByTimeAsync(1_200_000);
    expect(fired).toHaveLength(2);
  });

  it('never fires with an interval of 0', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const ingest = service({ attachmentsIntervalSeconds: 0 });
    const fire = vi.spyOn(ingest.attachments, 'fire');
    ingest.update([tenant(true)]);
    ingest.start();
    try {
      await vi.advanceTimersByTimeAsync(48 * 3600_000);
      expect(fire).not.toHaveBeenCalled();
    } finally {
      await ingest.stop();
    }
  });

  it('reads the window in hours and the interval in seconds', () => {
    const { ingest } = configSchema.parse({ tenants: [], ingest: { attachmentsWindowHours: 2, attachmentsIntervalSeconds: 90 } });
    expect(ingest).toMatchObject({ attachmentsWindowMs: 7_200_000, attachmentsIntervalMs: 90_000 });
    expect(configSchema.parse({ tenants: [] }).ingest).toMatchObject({ attachmentsWindowMs: 72 * 3600_000, attachmentsIntervalMs: 3_600_000 });
  });
});

/**
 * A downstream destination's `batchMs`: a whole number of milliseconds from 0
 * (frame by frame) to 1000, absent meaning the sink's default; anything else
 * is refused naming the key.
 */
import { describe, expect, it } from 'vitest';
import { downstreamSchema } from '../../src/tenants/index.js';

const url = 'ws://127.0.0.1:9100';

describe('downstream batchMs', () => {
  it('accepts 0 to 1000 and leaves an absent one to the default', () => {
    expect(downstreamSchema.parse({ url, batchMs: 0 }).batchMs).toBe(0);
    expect(downstreamSchema.parse({ url, batchMs: 1000 }).batchMs).toBe(1000);
    expect(downstreamSchema.parse({ url }).batchMs).toBeUndefined();
  });

  it.each([1001, -1, 2.5, '100'])('refuses %j, naming batchMs', (batchMs) => {
    const r = downstreamSchema.safeParse({ url, batchMs });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['batchMs']);
  });
});

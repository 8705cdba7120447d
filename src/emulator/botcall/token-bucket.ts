/**
 * Genesys's limit on the binary messages an AudioConnector server sends: an
 * average rate with a burst allowance (audioconnector docs: 5 messages/s on
 * average, bursts of 25). A token bucket, full at the start, refilled
 * continuously; time comes in as milliseconds so tests run it on a fake clock.
 */
export interface BucketLimits {
  burst: number;
  perSecond: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number | undefined;

  constructor(private readonly limits: BucketLimits) {
    this.tokens = limits.burst;
  }

  /** Takes one token at `nowMs`; false (and nothing taken) when the bucket is empty. */
  take(nowMs: number): boolean {
    if (this.last !== undefined) this.tokens = Math.min(this.limits.burst, this.tokens + ((nowMs - this.last) / 1000) * this.limits.perSecond);
    this.last = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

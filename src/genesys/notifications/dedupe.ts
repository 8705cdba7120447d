/**
 * Drops an event already delivered within the last `ttlMs`. During a handover
 * both channels carry the same topics, so every event in the overlap arrives
 * twice, as the same frame: same topic, body and `metadata.CorrelationId`.
 *
 * The body alone does not identify an event: a snapshot after a hold ends is
 * byte for byte the snapshot before the hold began (Genesys snapshots carry no
 * resume time), so keying on the body dropped every resume within the window.
 * The frame's correlation id tells two such events apart; frames without one
 * fall back to topic + body.
 */
import { createHash } from 'node:crypto';

export function eventKey(topicName: string, eventBody: unknown, correlationId?: string): string {
  return createHash('sha1')
    .update(topicName)
    .update('\u0000')
    .update(correlationId ?? '')
    .update('\u0000')
    .update(JSON.stringify(eventBody) ?? '')
    .digest('base64');
}

export class Deduper {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 120_000,
    private readonly maxEntries = 50_000,
  ) {}

  /** True the first time `key` is offered within the window. */
  firstSeen(key: string, now: number): boolean {
    this.evict(now);
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    this.seen.delete(key);
    this.seen.set(key, now + this.ttlMs);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private evict(now: number): void {
    // Insertion order = expiry order (constant ttl), so expired keys sit at the front.
    for (const [key, until] of this.seen) {
      if (this.seen.size < this.maxEntries && until > now) break;
      this.seen.delete(key);
    }
  }
}

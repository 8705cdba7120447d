/**
 * Drops an event already delivered within the last `ttlMs`. During a handover
 * both channels carry the same topics, so every event in the overlap arrives
 * twice. Payloads are full snapshots, so "same topic + same body" is the same
 * event; suppressing a genuinely repeated identical snapshot loses nothing.
 */
import { createHash } from 'node:crypto';

export function eventKey(topicName: string, eventBody: unknown): string {
  return createHash('sha1').update(topicName).update('\u0000').update(JSON.stringify(eventBody) ?? '').digest('base64');
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

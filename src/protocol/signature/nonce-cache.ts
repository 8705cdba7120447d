/**
 * Remembers (keyid, nonce) pairs until their signature would expire anyway, so a
 * captured upgrade request cannot be replayed. Bounded: the oldest entries go
 * first when full (an attacker can only fill it with *valid* signatures,
 * because entries are added after verification).
 */
export class NonceCache {
  private readonly entries = new Map<string, number>();

  constructor(private readonly maxEntries = 100_000) {}

  /** Returns false when the nonce was already seen and has not yet expired. */
  remember(keyid: string, nonce: string, expiresAtSeconds: number, nowSeconds: number): boolean {
    const key = `${keyid}\u0000${nonce}`;
    const seenUntil = this.entries.get(key);
    if (seenUntil !== undefined && seenUntil >= nowSeconds) return false;
    this.entries.delete(key);
    this.entries.set(key, expiresAtSeconds);
    this.evict(nowSeconds);
    return true;
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(nowSeconds: number): void {
    // Map iteration order is insertion order: expired entries cluster at the front.
    for (const [key, until] of this.entries) {
      if (this.entries.size <= this.maxEntries && until >= nowSeconds) break;
      this.entries.delete(key);
    }
  }
}

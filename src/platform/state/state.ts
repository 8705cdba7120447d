/**
 * State shared by the replicas of one deployment: leases (one leader per
 * tenant, run-once jobs), cross-replica messages, and short-lived keys. Two
 * implementations — in-process memory (one replica) and Redis — selected by
 * `state: memory | redis://…`.
 */
import type { Logger } from '../logging/index.js';

export type Unsubscribe = () => Promise<void>;
export type MessageHandler = (message: string) => void | Promise<void>;

export interface SharedState {
  readonly kind: 'memory' | 'redis';
  /** True when other processes see the same state: Redis, or memory held by the cluster primary (`server.workers` > 1). */
  readonly shared: boolean;
  /**
   * Acquires the lease, or renews it when `owner` already holds it, for
   * `ttlMs` from now. True while `owner` holds it. A rejection (Redis
   * unreachable) means the holder cannot know: treat it as not holding.
   */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Releases the lease if `owner` holds it; otherwise does nothing. */
  releaseLease(name: string, owner: string): Promise<void>;
  /**
   * Best effort, at most once: subscribers connected now receive it (this
   * replica's included); one that is disconnected meanwhile misses it.
   * Resolves to how many subscriptions it reached (Redis: subscribed
   * connections, one per replica), so a sender can tell "nobody listens".
   */
  publish(channel: string, message: string): Promise<number>;
  /** Resolves once subscribed. Handlers run asynchronously; what they throw is logged. */
  subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** True when the key was absent and is now set. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  get(key: string): Promise<string | undefined>;
  /** Live keys starting with `prefix`, with their values (order unspecified). For small sets: it scans. */
  list(prefix: string): Promise<Map<string, string>>;
  delete(key: string): Promise<void>;
  /** Rejects, saying why, while the shared state cannot be reached (readiness). */
  check(): Promise<void>;
  close(): Promise<void>;
}

export class StateError extends Error {
  override name = 'StateError';
}

/** Redis takes whole milliseconds (PX) and rejects 0. */
export function assertTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs < 1) throw new StateError(`ttlMs must be a whole number of milliseconds >= 1, got ${ttlMs}`);
}

/** Runs a subscriber's handler off the caller's stack and keeps its failures to the log. */
export function deliver(handler: MessageHandler, message: string, channel: string, logger: Logger): void {
  void Promise.resolve()
    .then(() => handler(message))
    .catch((err: unknown) => logger.warn({ err, channel }, 'state: message handler failed'));
}

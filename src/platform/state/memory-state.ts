/**
 * Shared state without Redis: maps in memory. The maps live in this process
 * (one replica), or in the cluster primary that the workers of `server.workers`
 * reach over IPC (ipc-state.ts), so every worker sees the same leases, keys and
 * messages. Expiry uses the monotonic clock, so a wall-clock jump neither frees
 * nor extends a lease.
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from '../logging/index.js';
import { assertTtl, deliver, type MessageHandler, type SharedState, type Unsubscribe } from './state.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/** Expired entries are dropped when read, and swept this often so unread ones do not pile up. */
const SWEEP_MS = 30_000;

/** Where a MemoryState's maps live: here (LocalStore) or in the cluster primary (RemoteStore in ipc-state.ts). */
export type MemoryStore = Omit<SharedState, 'kind' | 'shared'>;

/** The `state: memory` implementation of SharedState, over maps here or in the cluster primary. */
export class MemoryState implements SharedState {
  readonly kind = 'memory' as const;
  /** True when the maps are the cluster primary's, seen by every worker. */
  readonly shared: boolean;
  private readonly store: MemoryStore;

  constructor(logger: Logger, remote?: MemoryStore) {
    this.store = remote ?? new LocalStore(logger);
    this.shared = remote !== undefined;
  }

  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.store.acquireLease(name, owner, ttlMs);
  }

  releaseLease(name: string, owner: string): Promise<void> {
    return this.store.releaseLease(name, owner);
  }

  publish(channel: string, message: string): Promise<number> {
    return this.store.publish(channel, message);
  }

  subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe> {
    return this.store.subscribe(channel, handler);
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    return this.store.set(key, value, ttlMs);
  }

  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.store.setIfAbsent(key, value, ttlMs);
  }

  get(key: string): Promise<string | undefined> {
    return this.store.get(key);
  }

  list(prefix: string): Promise<Map<string, string>> {
    return this.store.list(prefix);
  }

  delete(key: string): Promise<void> {
    return this.store.delete(key);
  }

  check(): Promise<void> {
    return this.store.check();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

/** The maps themselves, in this process. */
export class LocalStore implements MemoryStore {
  private readonly keys = new Map<string, Entry>();
  /** Separate from keys, as Redis keeps them under separate prefixes: a lease and a key may share a name. */
  private readonly leases = new Map<string, Entry>();
  /** One object per subscription, so the same handler subscribed twice is unsubscribed once at a time. */
  private readonly channels = new Map<string, Set<{ handler: MessageHandler }>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly logger: Logger) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs);
    const holder = this.live(this.leases, name);
    if (holder && holder.value !== owner) return false;
    this.leases.set(name, { value: owner, expiresAt: performance.now() + ttlMs });
    return true;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    if (this.live(this.leases, name)?.value === owner) this.leases.delete(name);
  }

  async publish(channel: string, message: string): Promise<number> {
    const subscribers = this.channels.get(channel) ?? new Set();
    for (const { handler } of subscribers) deliver(handler, message, channel, this.logger);
    return subscribers.size;
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe> {
    const subscription = { handler };
    const subscribers = this.channels.get(channel) ?? new Set();
    subscribers.add(subscription);
    this.channels.set(channel, subscribers);
    return async () => {
      subscribers.delete(subscription);
      if (subscribers.size === 0 && this.channels.get(channel) === subscribers) this.channels.delete(channel);
    };
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    this.keys.set(key, { value, expiresAt: performance.now() + ttlMs });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs);
    if (this.live(this.keys, key)) return false;
    this.keys.set(key, { value, expiresAt: performance.now() + ttlMs });
    return true;
  }

  async get(key: string): Promise<string | undefined> {
    return this.live(this.keys, key)?.value;
  }

  async list(prefix: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const name of [...this.keys.keys()]) {
      const entry = name.startsWith(prefix) ? this.live(this.keys, name) : undefined;
      if (entry) out.set(name, entry.value);
    }
    return out;
  }

  async delete(key: string): Promise<void> {
    this.keys.delete(key);
  }

  async check(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.channels.clear();
  }

  private live(map: Map<string, Entry>, name: string): Entry | undefined {
    const entry = map.get(name);
    if (entry && entry.expiresAt <= performance.now()) {
      map.delete(name);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    for (const map of [this.keys, this.leases]) for (const name of map.keys()) this.live(map, name);
  }
}

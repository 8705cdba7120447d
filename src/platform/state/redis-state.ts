/**
 * Shared state in Redis, for many replicas. Everything lives under the
 * deployment's key prefix (`<prefix>lease:…`, `<prefix>key:…`,
 * `<prefix>channel:…`), so deployments — and test runs — can share a server.
 * Pub/sub has its own connection: a subscribed connection can do nothing else.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logging/index.js';
import { connectRedis, type ConnectOptions } from './redis-connect.js';
import { StateError, assertTtl, deliver, type MessageHandler, type SharedState, type Unsubscribe } from './state.js';

/** Extends the lease only if `owner` still holds it: GET and PEXPIRE must be one step. */
const RENEW_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/** Deletes the lease only if `owner` still holds it, never a successor's. */
const RELEASE_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

export type RedisStateOptions = Omit<ConnectOptions, 'connectionName'> & {
  /** Namespace of this deployment, e.g. `hookline:prod:`. */
  keyPrefix: string;
  /** Base of the two connections' names (`<name>` and `<name>-sub`). */
  connectionName: string;
};

interface Channel {
  subscriptions: Set<{ handler: MessageHandler }>;
  subscribed: Promise<unknown>;
}

export class RedisState implements SharedState {
  readonly kind = 'redis' as const;
  readonly shared = true;
  private readonly channels = new Map<string, Channel>();

  private constructor(
    private readonly client: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
  }

  static async open(url: string, options: RedisStateOptions): Promise<RedisState> {
    const client = await connectRedis(url, options);
    try {
      const subscriber = await connectRedis(url, { ...options, connectionName: `${options.connectionName}-sub` });
      return new RedisState(client, subscriber, options.keyPrefix, options.logger);
    } catch (err) {
      client.disconnect();
      throw err;
    }
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs);
    const key = `${this.prefix}lease:${name}`;
    if ((await this.client.set(key, owner, 'PX', ttlMs, 'NX')) === 'OK') return true;
    return (await this.client.eval(RENEW_IF_OWNER, 1, key, owner, ttlMs)) === 1;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.client.eval(RELEASE_IF_OWNER, 1, `${this.prefix}lease:${name}`, owner);
  }

  async publish(channel: string, message: string): Promise<number> {
    return this.client.publish(this.channelName(channel), message);
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe> {
    const name = this.channelName(channel);
    let entry = this.channels.get(name);
    if (!entry) {
      const created: Channel = { subscriptions: new Set(), subscribed: this.subscriber.subscribe(name) };
      // A failed SUBSCRIBE must not stay cached for the channel's later subscribers.
      created.subscribed.catch(() => this.channels.get(name) === created && this.channels.delete(name));
      this.channels.set(name, created);
      entry = created;
    }
    const subscription = { handler };
    entry.subscriptions.add(subscription);
    // A second subscriber to the channel still waits until Redis confirms.
    await entry.subscribed;
    const current = entry;
    return async () => {
      current.subscriptions.delete(subscription);
      if (current.subscriptions.size > 0 || this.channels.get(name) !== current) return;
      this.channels.delete(name);
      await this.subscriber.unsubscribe(name);
    };
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    await this.client.set(this.keyName(key), value, 'PX', ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs);
    return (await this.client.set(this.keyName(key), value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.client.get(this.keyName(key))) ?? undefined;
  }

  async list(prefix: string): Promise<Map<string, string>> {
    const base = this.keyName('');
    const names: string[] = [];
    // SCAN, not KEYS: it does not block the server while it walks the keyspace.
    for await (const batch of this.client.scanStream({ match: `${globEscape(this.keyName(prefix))}*`, count: 500 }) as AsyncIterable<string[]>) names.push(...batch);
    const unique = [...new Set(names)];
    const out = new Map<string, string>();
    if (unique.length === 0) return out;
    const values = await this.client.mget(...unique);
    unique.forEach((name, i) => {
      const v = values[i];
      // A key that expired between SCAN and MGET reads as null.
      if (v !== null && v !== undefined) out.set(name.slice(base.length), v);
    });
    return out;
  }

  async delete(key: string): Promise<void> {
    await this.client.del(this.keyName(key));
  }

  /**
   * Both connections must be up: without the subscriber, messages from the
   * other replicas are lost. A connection that is down fails at once, rather
   * than queueing a PING until the command timeout.
   */
  async check(): Promise<void> {
    for (const [role, redis] of [['commands', this.client], ['subscriber', this.subscriber]] as const) {
      if (redis.status !== 'ready') throw new StateError(`Redis ${role} connection is ${redis.status}`);
    }
    await this.client.ping();
  }

  async close(): Promise<void> {
    this.channels.clear();
    await Promise.all([quit(this.client), quit(this.subscriber)]);
  }

  private keyName(key: string): string {
    return `${this.prefix}key:${key}`;
  }

  private channelName(channel: string): string {
    return `${this.prefix}channel:${channel}`;
  }

  private dispatch(name: string, message: string): void {
    const channel = name.slice(`${this.prefix}channel:`.length);
    for (const { handler } of this.channels.get(name)?.subscriptions ?? []) deliver(handler, message, channel, this.logger);
  }
}

/** A literal for a SCAN MATCH pattern. */
function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}

/** QUIT lets pending replies arrive; when Redis is gone there is nothing to wait for. */
async function quit(redis: Redis): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

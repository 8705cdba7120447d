/**
 * Notification channels and their subscriptions (Genesys Cloud docs, "Notification service"): at most N
 * channels per OAuth client — a new one evicts the least recently used,
 * unconnected channels first — a topic cap per channel, and an expiry that
 * every resubscribe pushes out again. Pure bookkeeping: time comes in as
 * arguments; sockets and timers live in the adapters.
 */

export interface Channel {
  id: string;
  orgId: string;
  env: string;
  clientId: string;
  token: string;
  createdAt: number;
  lastUsed: number;
  expires: number;
  topics: Set<string>;
  connected: boolean;
}

export interface ChannelOwner {
  orgId: string;
  env: string;
  clientId: string;
  token: string;
}

export class ChannelRegistry {
  private readonly channels = new Map<string, Channel>();
  /** orgId → topic → channels subscribed to it. */
  private readonly index = new Map<string, Map<string, Set<Channel>>>();

  get(id: string): Channel | undefined {
    return this.channels.get(id);
  }

  all(): Channel[] {
    return [...this.channels.values()];
  }

  /** Creates a channel; returns the channels evicted to stay within `maxPerClient`. */
  create(id: string, owner: ChannelOwner, now: number, lifetimeMs: number, maxPerClient: number): { channel: Channel; evicted: Channel[] } {
    const evicted: Channel[] = [];
    const mine = () => this.all().filter((c) => c.clientId === owner.clientId);
    while (mine().length >= maxPerClient) {
      const victim = pickVictim(mine());
      this.remove(victim.id);
      evicted.push(victim);
    }
    const channel: Channel = { id, ...owner, createdAt: now, lastUsed: now, expires: now + lifetimeMs, topics: new Set(), connected: false };
    this.channels.set(id, channel);
    return { channel, evicted };
  }

  remove(id: string): Channel | undefined {
    const ch = this.channels.get(id);
    if (!ch) return undefined;
    for (const t of ch.topics) this.unindex(ch, t);
    this.channels.delete(id);
    return ch;
  }

  listForToken(token: string): Channel[] {
    return this.all().filter((c) => c.token === token);
  }

  listForClient(clientId: string): Channel[] {
    return this.all().filter((c) => c.clientId === clientId);
  }

  /** Replaces (`replace`) or extends the topic set; either way the channel lives another lifetime. */
  subscribe(ch: Channel, topics: string[], replace: boolean, now: number, lifetimeMs: number): void {
    if (replace) for (const t of [...ch.topics]) this.unsubscribeOne(ch, t);
    for (const t of topics) {
      if (ch.topics.has(t)) continue;
      ch.topics.add(t);
      this.indexFor(ch.orgId, t).add(ch);
    }
    ch.lastUsed = now;
    ch.expires = now + lifetimeMs;
  }

  clear(ch: Channel, now: number): void {
    for (const t of [...ch.topics]) this.unsubscribeOne(ch, t);
    ch.lastUsed = now;
  }

  setConnected(ch: Channel, connected: boolean, now: number): void {
    ch.connected = connected;
    ch.lastUsed = now;
  }

  subscribers(orgId: string, topic: string): Iterable<Channel> {
    return this.index.get(orgId)?.get(topic) ?? [];
  }

  hasSubscribers(orgId: string, topic: string): boolean {
    return (this.index.get(orgId)?.get(topic)?.size ?? 0) > 0;
  }

  private unsubscribeOne(ch: Channel, topic: string): void {
    ch.topics.delete(topic);
    this.unindex(ch, topic);
  }

  private indexFor(orgId: string, topic: string): Set<Channel> {
    let byTopic = this.index.get(orgId);
    if (!byTopic) this.index.set(orgId, (byTopic = new Map()));
    let set = byTopic.get(topic);
    if (!set) byTopic.set(topic, (set = new Set()));
    return set;
  }

  private unindex(ch: Channel, topic: string): void {
    const byTopic = this.index.get(ch.orgId);
    const set = byTopic?.get(topic);
    if (!set) return;
    set.delete(ch);
    if (set.size === 0) byTopic?.delete(topic);
  }
}

/** Unconnected channels go first; among equals, the least recently used. */
export function pickVictim(channels: Channel[]): Channel {
  const sorted = [...channels].sort((a, b) => Number(a.connected) - Number(b.connected) || a.lastUsed - b.lastUsed || a.createdAt - b.createdAt);
  return sorted[0] as Channel;
}

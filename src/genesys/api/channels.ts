/**
 * Notifications REST (Genesys Cloud docs, "Notification service"): channels and their subscriptions.
 * The socket side lives in ../notifications.
 */
import type { AvailableTopic, Channel, ChannelTopic } from '../models/notifications.js';
import { bodyOf, seg, type ApiContext } from './context.js';

export interface SubscribeOptions {
  /**
   * Default true: a topic failing the permission check comes back `Rejected`
   * instead of failing the whole list.
   */
  ignoreErrors?: boolean;
}

export interface ChannelsApi {
  create(): Promise<Channel>;
  list(include?: 'token' | 'oauthclient'): Promise<Channel[]>;
  exists(channelId: string): Promise<boolean>;
  subscriptions(channelId: string): Promise<ChannelTopic[]>;
  /** Replaces the channel's topics; also extends the channel's 24 h expiry. */
  setSubscriptions(channelId: string, topics: readonly string[], opts?: SubscribeOptions): Promise<ChannelTopic[]>;
  addSubscriptions(channelId: string, topics: readonly string[], opts?: SubscribeOptions): Promise<ChannelTopic[]>;
  clearSubscriptions(channelId: string): Promise<void>;
  availableTopics(opts?: { expand?: readonly string[]; includePreview?: boolean }): Promise<AvailableTopic[]>;
}

const BASE = '/api/v2/notifications';

export function channelsApi(ctx: ApiContext): ChannelsApi {
  const subs = (id: string) => `${BASE}/channels/${seg(id)}/subscriptions`;
  const topicsBody = (topics: readonly string[]) => topics.map((id) => ({ id }));
  const entities = <T>(b: { entities?: T[] } | undefined) => b?.entities ?? [];
  return {
    async create() {
      // Retrying a create may leave an orphan channel; Genesys evicts unconnected channels first, so that is cheap.
      return bodyOf(await ctx.request<Channel>('POST', `${BASE}/channels`, { idempotent: true }), 'channel creation');
    },
    async list(include) {
      return entities((await ctx.request<{ entities?: Channel[] }>('GET', `${BASE}/channels`, { query: { includechannels: include } })).body);
    },
    async exists(id) {
      return (await ctx.request('HEAD', `${BASE}/channels/${seg(id)}`, { accept: [404] })).status !== 404;
    },
    async subscriptions(id) {
      return entities((await ctx.request<{ entities?: ChannelTopic[] }>('GET', subs(id))).body);
    },
    async setSubscriptions(id, topics, o = {}) {
      const res = await ctx.request<{ entities?: ChannelTopic[] }>('PUT', subs(id), { body: topicsBody(topics), query: { ignoreErrors: o.ignoreErrors ?? true } });
      return entities(res.body);
    },
    async addSubscriptions(id, topics, o = {}) {
      // Adding the same topics twice is harmless, so retrying is fine.
      const res = await ctx.request<{ entities?: ChannelTopic[] }>('POST', subs(id), { body: topicsBody(topics), query: { ignoreErrors: o.ignoreErrors ?? true }, idempotent: true });
      return entities(res.body);
    },
    async clearSubscriptions(id) {
      await ctx.request('DELETE', subs(id), { accept: [404] });
    },
    async availableTopics(o = {}) {
      const query = { expand: o.expand?.join(','), includePreview: o.includePreview };
      return entities((await ctx.request<{ entities?: AvailableTopic[] }>('GET', `${BASE}/availabletopics`, { query })).body);
    },
  };
}

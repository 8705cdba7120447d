/**
 * Wires one tenant's client: endpoints, token provider, limiter, transport,
 * and the endpoint groups on top.
 */
import { analyticsApi, type AnalyticsApi } from './api/analytics.js';
import { channelsApi, type ChannelsApi } from './api/channels.js';
import type { ApiContext } from './api/context.js';
import { conversationsApi, type ConversationsApi } from './api/conversations.js';
import { groupsApi, usersApi, type GroupsApi, type UsersApi } from './api/directory.js';
import { integrationsApi, type IntegrationsApi } from './api/integrations.js';
import { recordingsApi, type RecordingsApi } from './api/recordings.js';
import { resolveEndpoints, type GenesysConfig } from './config.js';
import { sharedLimiter } from './http/limiter.js';
import { paginateEntities, type PageOptions } from './http/paging.js';
import { DEFAULT_RETRY, type RetrySettings } from './http/retry-policy.js';
import { TokenProvider } from './http/tokens.js';
import { Transport, type ApiResponse, type RequestOptions } from './http/transport.js';
import { silentLogger, type GenesysLogger } from './log.js';
import type { Query } from './models/common.js';
import { NotificationsManager, type NotificationsOptions } from './notifications/manager.js';
import { realSleep, systemClock, type Clock, type Sleep } from './time.js';

export interface GenesysClientOptions {
  /** pino-compatible; secrets are never passed to it. */
  logger?: GenesysLogger;
  /** Defaults to the global fetch (undici). */
  fetch?: typeof fetch;
  clock?: Clock;
  sleep?: Sleep;
  /** Jitter source, [0, 1). */
  random?: () => number;
  retry?: Partial<RetrySettings>;
  /**
   * Request budget per window. Default: the last `inin-ratelimit-allowed`
   * seen, else 300/min. Shared by every client object with the same client id
   * (the first one created decides).
   */
  rateLimit?: { budget?: number; windowMs?: number };
  /** Per-attempt timeout. Default 30 s. */
  timeoutMs?: number;
  /** Token refresh point as a fraction of its lifetime. Default 0.85. */
  tokenRefreshRatio?: number;
}

export interface NotificationsApi extends ChannelsApi {
  /** A manager that keeps a topic set subscribed and delivers typed events. */
  createManager(options?: NotificationsOptions): NotificationsManager;
}

export interface GenesysClient {
  readonly users: UsersApi;
  readonly groups: GroupsApi;
  readonly analytics: AnalyticsApi;
  /** Current conversation state (no analytics lag). */
  readonly conversations: ConversationsApi;
  readonly recordings: RecordingsApi;
  readonly integrations: IntegrationsApi;
  readonly notifications: NotificationsApi;
  /** A current bearer token (cached, refreshed before expiry). */
  token(): Promise<string>;
  /** Escape hatch: any Platform API call with the full retry/pacing policy. `path` starts with `/api/v2/`. */
  request<T>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** Escape hatch: any pageNumber/nextUri entity listing. */
  paginate<T>(path: string, query?: Query, options?: PageOptions): AsyncIterable<T>;
}

export function createGenesysClient(config: GenesysConfig, options: GenesysClientOptions = {}): GenesysClient {
  const endpoints = resolveEndpoints(config);
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const logger = options.logger ?? silentLogger;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const retry: RetrySettings = { ...DEFAULT_RETRY, ...options.retry };
  const tokens = new TokenProvider({
    tokenUrl: endpoints.tokenUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    fetch: fetchFn,
    clock,
    sleep,
    random,
    retry,
    logger,
    refreshRatio: options.tokenRefreshRatio,
  });
  // Genesys counts per OAuth client, so every client object for one client id shares one budget
  // (the first one created sets budget/window).
  const limiter = sharedLimiter(`${endpoints.apiBase} ${config.clientId}`, { clock, sleep, budget: options.rateLimit?.budget, windowMs: options.rateLimit?.windowMs });
  const transport = new Transport({
    apiBase: endpoints.apiBase,
    fetch: fetchFn,
    clock,
    sleep,
    random,
    retry,
    limiter,
    tokens,
    logger,
    timeoutMs: options.timeoutMs ?? 30_000,
    userAgent: 'hookline-genesys-client',
  });
  const request = <T>(method: string, path: string, opts?: RequestOptions) => transport.request<T>(method, path, opts);
  const ctx: ApiContext = { request, clock, sleep, random, logger, fetch: fetchFn, retry };
  const channels = channelsApi(ctx);
  return {
    users: usersApi(ctx),
    groups: groupsApi(ctx),
    analytics: analyticsApi(ctx),
    conversations: conversationsApi(ctx),
    recordings: recordingsApi(ctx),
    integrations: integrationsApi(ctx),
    notifications: { ...channels, createManager: (o) => new NotificationsManager({ channels, clock, sleep, random, logger }, o) },
    token: () => tokens.token(),
    request,
    paginate: (path, query, o) => paginateEntities(request, path, query, o),
  };
}

/**
 * Shared state, chosen by configuration: `state: memory` (this process, or the
 * workers of one `hookline serve` through its cluster primary) or
 * `state: redis://…` (every replica of the deployment).
 */
import type { Logger } from '../logging/index.js';
import type { IpcLink } from '../util/ipc-link.js';
import { RemoteStore } from './ipc-state.js';
import { MemoryState } from './memory-state.js';
import { redactUrl } from '../util/redact-url.js';
import { RedisState } from './redis-state.js';
import { StateError, type SharedState } from './state.js';

export * from './state.js';
export { MemoryState } from './memory-state.js';
export { RemoteStore, StateHost } from './ipc-state.js';
export { processLink, workerLink, type IpcLink } from '../util/ipc-link.js';
export { RedisState } from './redis-state.js';

export interface StateOptions {
  logger: Logger;
  /** Redis: namespace of this deployment. Default `hookline:`. */
  keyPrefix?: string;
  /** Redis: connection attempts at start before failing. Default 5. */
  connectAttempts?: number;
  /** Redis: wait after the first failed attempt, doubling after each. Default 200 ms. */
  retryDelayMs?: number;
  /** Redis: a command with no reply in this time rejects. Default 5000 ms. */
  commandTimeoutMs?: number;
  /** Redis: connection name shown by CLIENT LIST. Default `hookline-state`. */
  connectionName?: string;
  /** Memory: the maps are the cluster primary's, reached over this link (a worker of `server.workers` > 1). */
  link?: IpcLink;
}

export async function openState(url: string, options: StateOptions): Promise<SharedState> {
  if (url === 'memory') return new MemoryState(options.logger, options.link ? new RemoteStore(options.link, options.logger, options.commandTimeoutMs) : undefined);
  if (/^rediss?:\/\//.test(url)) {
    return RedisState.open(url, {
      logger: options.logger,
      keyPrefix: options.keyPrefix ?? 'hookline:',
      connectAttempts: options.connectAttempts ?? 5,
      retryDelayMs: options.retryDelayMs ?? 200,
      commandTimeoutMs: options.commandTimeoutMs ?? 5000,
      connectionName: options.connectionName ?? 'hookline-state',
    });
  }
  throw new StateError(`state: "${redactUrl(url)}" must be "memory" or a redis:// URL`);
}

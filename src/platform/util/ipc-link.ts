/**
 * One end of an IPC channel between a cluster primary and a worker, as the
 * shared state (platform/state/ipc-state.ts) and the metrics aggregation
 * (platform/metrics/cluster.ts) use it. (Node.js docs, "Cluster" and
 * "Child process: subprocess.send()".)
 */
import type { Worker } from 'node:cluster';

export interface IpcLink {
  send(message: unknown): void;
  /** Returns the function that removes the listener. */
  onMessage(handler: (message: unknown) => void): () => void;
  connected(): boolean;
}

/** A worker's link to the primary: the IPC channel of this process (`process.send`). */
export function processLink(): IpcLink {
  return {
    send: (message) => {
      // A message sent after the channel closed would throw; a pending request times out instead.
      if (process.connected) process.send?.(message);
    },
    onMessage: (handler) => {
      process.on('message', handler);
      return () => void process.off('message', handler);
    },
    connected: () => process.connected,
  };
}

/** The primary's link to one worker. */
export function workerLink(worker: Worker): IpcLink {
  return {
    send: (message) => {
      if (worker.isConnected()) worker.send(message as Parameters<Worker['send']>[0]);
    },
    onMessage: (handler) => {
      worker.on('message', handler);
      return () => void worker.off('message', handler);
    },
    connected: () => worker.isConnected(),
  };
}

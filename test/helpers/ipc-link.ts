/**
 * Two ends of an in-process IPC channel for tests: messages are copied through
 * JSON (as Node's default 'json' IPC serialization does) and arrive later, in
 * order, like process.send's.
 */
import type { IpcLink } from '../../src/platform/state/index.js';

export function linkPair(): [IpcLink, IpcLink] {
  const handlers: [Set<(m: unknown) => void>, Set<(m: unknown) => void>] = [new Set(), new Set()];
  const end = (to: Set<(m: unknown) => void>, from: Set<(m: unknown) => void>): IpcLink => ({
    send: (message) => {
      const copy = JSON.stringify(message);
      setImmediate(() => {
        for (const h of to) h(JSON.parse(copy));
      });
    },
    onMessage: (h) => {
      from.add(h);
      return () => void from.delete(h);
    },
    connected: () => true,
  });
  const pair: [IpcLink, IpcLink] = [end(handlers[1], handlers[0]), end(handlers[0], handlers[1])];
  return pair;
}

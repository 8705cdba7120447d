/**
 * Event-driven waits on a NotificationsManager (no timers).
 */
import type { NotificationsEventName, NotificationsEvents, NotificationsManager } from '../../../src/genesys/index.js';

/** Resolves with the next event of that name that matches `pred`. */
export function next<K extends NotificationsEventName>(m: NotificationsManager, name: K, pred: (e: NotificationsEvents[K]) => boolean = () => true): Promise<NotificationsEvents[K]> {
  return new Promise((resolve) => {
    const off = m.on(name, (e) => {
      if (!pred(e)) return;
      off();
      resolve(e);
    });
  });
}

/** Resolves once `cond` holds, re-checked after every event of that name. */
export function whenTrue(m: NotificationsManager, name: NotificationsEventName, cond: () => boolean): Promise<void> {
  if (cond()) return Promise.resolve();
  return new Promise((resolve) => {
    const off = m.on(name, () => {
      if (!cond()) return;
      off();
      resolve();
    });
  });
}

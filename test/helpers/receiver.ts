/**
 * Waiting on the reference receiver (`src/receiver`) used as a stream destination.
 */
import type { ReceivedSession, Receiver } from '../../src/receiver/index.js';

/** Resolves once `r` has finished the session `sessionId` (at once if it already has). */
export function receiverEnd(r: Receiver, sessionId: string): Promise<ReceivedSession> {
  const s = r.sessions.get(sessionId);
  if (s?.finished) return Promise.resolve(s);
  return new Promise((resolve) => {
    const on = (x: ReceivedSession) => {
      if (x.start.sessionId !== sessionId) return;
      r.off('end', on);
      resolve(x);
    };
    r.on('end', on);
  });
}

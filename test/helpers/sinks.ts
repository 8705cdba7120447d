/**
 * A sink that records everything capture hands it, for assertions, and the
 * session a sink is opened with in tests that drive a sink directly.
 */
import { randomUUID } from 'node:crypto';
import type { Nanos } from '../../src/protocol/audiohook/index.js';
import type { SessionInfo, Sink, SinkControl, SinkEnd, SinkSession } from '../../src/capture/index.js';

export interface Captured {
  info: SessionInfo;
  frames: { data: Buffer; position: Nanos; samples: number }[];
  controls: SinkControl[];
  end?: SinkEnd;
}

export class CollectingSink implements Sink {
  readonly name = 'collector';
  readonly sessions = new Map<string, Captured>();

  open(info: SessionInfo): SinkSession {
    const c: Captured = { info, frames: [], controls: [] };
    this.sessions.set(info.sessionId, c);
    return {
      audio: (data, position, samples) => c.frames.push({ data: Buffer.from(data), position, samples }),
      control: (e) => c.controls.push(e),
      end: async (s) => {
        c.end = s;
      },
    };
  }
}

/** Fixed ids and times, for tests that assert on object keys or recorded metadata. */
export const FIXED_SESSION = {
  orgId: '11111111-1111-4111-8111-111111111111',
  correlationId: '22222222-2222-4222-8222-222222222222',
  conversationId: '33333333-3333-4333-8333-333333333333',
  participant: { id: '44444444-4444-4444-8444-444444444444', ani: '', aniName: '', dnis: '' },
  openedAt: '2026-11-22T10:00:00.000Z',
  admittedAt: '2026-11-22T10:00:00.000Z',
} as const satisfies Partial<SessionInfo>;

/** An admitted stereo PCMU session with fresh ids, admitted at open (fields as capture fills them). */
export function sessionInfo(overrides: Partial<SessionInfo> = {}): SessionInfo {
  const now = new Date().toISOString();
  return {
    orgId: randomUUID(),
    sessionId: randomUUID(),
    correlationId: randomUUID(),
    conversationId: randomUUID(),
    participant: { id: randomUUID(), ani: '', aniName: '', dnis: '' },
    media: { type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 },
    openedAt: now,
    admittedAt: now,
    admittedPosition: 0,
    openParameters: {},
    ...overrides,
  };
}

/**
 * A sink that records everything capture hands it, for assertions.
 */
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

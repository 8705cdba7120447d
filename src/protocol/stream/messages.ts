/**
 * Hookline's downstream stream protocol (docs/stream-protocol.md): what the
 * stream sink sends to a downstream WebSocket for each admitted call, and what
 * the reference receiver reads. Text frames are JSON; binary frames are audio.
 */

export const STREAM_PROTOCOL_VERSION = 1;

export type ChannelRole = 'customer' | 'agent';

export interface StreamStart {
  type: 'start';
  version: number;
  tenant: string;
  conversationId: string;
  sessionId: string;
  agent: { id: string; name?: string | undefined; email?: string | undefined } | null;
  participant: { id: string; ani: string; aniName: string; dnis: string };
  queueId?: string | undefined;
  media: { format: string; rate: number; channels: number };
  /** Role of each interleaved channel, in order. */
  channels: ChannelRole[];
  /**
   * UTC wall-clock time at which forwarding began: when the audio at the first connection's
   * `position` arrived. The same on every connection of the call (docs/stream-protocol.md).
   */
  startTime: string;
  /**
   * Timeline position (ISO duration) of the next binary frame. On the first connection, where the
   * call was admitted (a held call: where its audio resumed); on a reconnect, the oldest replayed entry.
   */
  position: string;
  /** True when this is a reconnect: replayed frames follow from `position`. */
  resumed: boolean;
}

export interface StreamPaused {
  type: 'paused';
  position: string;
}

export interface StreamResumed {
  type: 'resumed';
  position: string;
  start: string;
  discarded: string;
}

export interface StreamDiscarded {
  type: 'discarded';
  position: string;
  start: string;
  discarded: string;
}

/** Audio Hookline could not deliver (downstream unavailable or too slow). */
export interface StreamGap {
  type: 'gap';
  from: string;
  to: string;
  reason: 'downstream-unavailable' | 'backpressure';
}

export interface StreamTagged {
  type: 'tagged';
  position: string;
  agent: StreamStart['agent'];
}

export interface StreamEnd {
  type: 'end';
  reason: string;
  position: string;
  endTime: string;
  /** Frames this destination missed over the whole call. */
  droppedFrames: number;
}

export type StreamMessage = StreamStart | StreamPaused | StreamResumed | StreamDiscarded | StreamGap | StreamTagged | StreamEnd;

/**
 * A final transcript result as an AudioHook `transcript` event entity
 * (Transcription Connector mode; the reference's section 1.17 "Events the
 * server can send", from the AudioHook reference implementation's
 * `entities-transcript.ts`): `channelId` is the index of the party's channel in
 * the session's selected media, `offset`/`duration` are ISO-8601 durations on
 * the stream timeline, one alternative with one `display` interpretation.
 * Pure: the entity id is the caller's.
 */
import { NS_PER_SECOND, formatDuration, type EventEntity } from '../../protocol/audiohook/index.js';
import type { ChannelLayout, TranscriptResult } from '../types.js';

export interface TranscriptEntityOptions {
  /** The entity's id (a UUID). */
  id: string;
  /** The session's selected channels, in media order. */
  channels: ChannelLayout;
  /** Used when the result has no language of its own (the session's `language`). */
  language?: string | undefined;
}

/** Milliseconds as an AudioHook duration: `PT27.32S`. */
export function isoDuration(ms: number): string {
  return formatDuration(Math.round(Math.max(0, ms)) * (NS_PER_SECOND / 1000));
}

/** Undefined when the party has no channel in this session (a mono session of the other party). */
export function transcriptEntity(result: TranscriptResult, o: TranscriptEntityOptions): EventEntity | undefined {
  const channelId = o.channels.indexOf(result.party);
  if (channelId < 0) return undefined;
  const language = result.language ?? o.language;
  const confidence = Math.min(1, Math.max(0, result.confidence ?? 0));
  return {
    type: 'transcript',
    data: {
      id: o.id,
      channelId,
      isFinal: result.final,
      offset: isoDuration(result.startMs),
      duration: isoDuration(result.endMs - result.startMs),
      alternatives: [
        {
          confidence,
          ...(language ? { languages: [language] } : {}),
          // No word timings from a whole-utterance result: tokens present (the compliance suite wants the key) but empty.
          interpretations: [{ type: 'display', transcript: result.text, tokens: [] }],
        },
      ],
    },
  };
}

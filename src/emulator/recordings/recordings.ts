/**
 * The Recording and RecordingMetadata documents (Genesys Cloud docs, "Recording API") of a call's
 * one trunk recording: it exists once the customer leg starts, is UPLOADING
 * until the transcode delay after the leg ended, then AVAILABLE.
 */
import type { Call } from '../calls/engine.js';
import { iso } from '../calls/spellings.js';
import type { Timeline } from '../calls/timeline.js';
import type { MediaFormat } from './media.js';

type Json = Record<string, unknown>;

export function readyAt(t: Timeline, transcodeDelayMs: number): number {
  return (t.recording?.end ?? Infinity) + transcodeDelayMs;
}

/** Holds as annotations, positioned relative to the recording start. */
function annotations(t: Timeline): Json[] {
  const start = t.recording?.start ?? t.start;
  const customer = t.legs[0];
  return (customer?.spans ?? [])
    .filter((s) => s.kind === 'hold')
    .map((s, i) => ({ id: `${t.recording?.id}-hold-${i}`, name: 'Hold', type: 'hold', location: s.start - start, durationMs: s.end - s.start, absoluteLocation: s.start - start }));
}

export function recordingMetadata(call: Call, now: number, transcodeDelayMs: number): Json | undefined {
  const t = call.timeline;
  const r = t.recording;
  if (!r || now < r.start) return undefined;
  const ready = now >= readyAt(t, transcodeDelayMs);
  const out: Json = {
    id: r.id,
    conversationId: t.conversationId,
    name: `Recording of ${t.conversationId}`,
    startTime: iso(r.start),
    media: 'audio',
    mediaSubtype: 'Trunk',
    annotations: annotations(t),
    fileState: ready ? 'AVAILABLE' : 'UPLOADING',
    sessionId: t.legs[0]?.sessionId,
    users: [...new Set(t.legs.filter((l) => l.userId).map((l) => l.userId))].map((id) => ({ id })),
    recordingFileRole: 'CUSTOMER_EXPERIENCE',
    creationTime: iso(r.start),
    selfUri: `/api/v2/conversations/${t.conversationId}/recordings/${r.id}`,
  };
  if (now >= r.end) out.endTime = iso(r.end);
  return out;
}

/** `outputSizeInBytes` is the size of the `format` file, when there is one (see RecordingFiles.size). */
export function recordingDoc(call: Call, now: number, transcodeDelayMs: number, format: MediaFormat | 'NONE', outputSizeInBytes?: number): Json | undefined {
  const meta = recordingMetadata(call, now, transcodeDelayMs);
  const r = call.timeline.recording;
  if (!meta || !r) return undefined;
  const doc: Json = { ...meta, estimatedTranscodeTimeMs: transcodeDelayMs };
  if (meta.fileState === 'AVAILABLE') {
    doc.actualTranscodeTimeMs = transcodeDelayMs;
    doc.outputDurationMs = r.end - r.start;
    if (format !== 'NONE' && outputSizeInBytes !== undefined) doc.outputSizeInBytes = outputSizeInBytes;
  }
  return doc;
}

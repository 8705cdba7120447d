/**
 * Media for the playback tests: a µ-law tone as a WAV (what the recorder and
 * a WAV_ULAW import store), an imported recording row and object, and a
 * live-capture WAV with its sidecar where the recorder puts them.
 */
import { recordingKey } from '../../src/capture/index.js';
import { toneUlaw, wavHeader } from '../../src/audio/index.js';
import type { ConversationStore } from '../../src/conversations/index.js';
import type { ObjectStore } from '../../src/platform/objects/index.js';

/** A tone per channel (440, 660 Hz), `seconds` long, 8 kHz µ-law, as a WAV file. */
export function toneWav(seconds: number, channels: 1 | 2 = 1): Buffer {
  const data = Buffer.from(toneUlaw([440, 660].slice(0, channels), seconds));
  return Buffer.concat([wavHeader({ format: 'PCMU', channels, rate: 8000 }, data.length), data]);
}

/** An imported recording: the object in storage and its row (as ingest/importer.ts writes them). */
export async function importedRecording(store: ConversationStore, objects: ObjectStore, tenant: string, conversationId: string, recordingId: string, body: Buffer, contentType: string | null = 'audio/wav'): Promise<string> {
  const key = `imports/${tenant}/2024/05/01/${conversationId}/${recordingId}.wav`;
  const put = await objects.put(key, body);
  await store.putRecording({ tenant_id: tenant, conversation_id: conversationId, recording_id: recordingId, object_key: key, format: 'WAV_ULAW', content_type: contentType, size: put.size, sha256: put.sha256, media: 'audio', start_time: null, end_time: null, imported_at: new Date().toISOString() });
  return key;
}

/** A live capture as the recorder leaves it: the WAV and its JSON sidecar under recordings/…. */
export async function capturedSession(objects: ObjectStore, orgId: string, conversationId: string, sessionId: string, openedAt: string, body: Buffer, agentName = 'Alice Agent'): Promise<void> {
  const info = { orgId, conversationId, sessionId, openedAt };
  await objects.put(recordingKey(info, 'wav'), body, { contentType: 'audio/wav' });
  const sidecar = {
    sessionId,
    orgId,
    conversationId,
    media: { type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 },
    openedAt,
    agent: { id: 'agent', name: agentName },
    timelineStart: 'PT0S',
    timelineEnd: 'PT2S',
    end: { reason: 'end', position: 'PT2S', endedAt: new Date(Date.parse(openedAt) + 2000).toISOString() },
  };
  await objects.put(recordingKey(info, 'json'), JSON.stringify(sidecar), { contentType: 'application/json' });
}

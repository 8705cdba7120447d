/**
 * Recordings (Genesys Platform API, "Get all of a conversation's recordings").
 */
import type { EntityRef, Open } from './common.js';

export type RecordingFormat = Open<'WAV' | 'WEBM' | 'WAV_ULAW' | 'OGG_VORBIS' | 'OGG_OPUS' | 'MP3' | 'NONE'>;
export type RecordingFileState = Open<'ARCHIVED' | 'AVAILABLE' | 'DELETED' | 'RESTORED' | 'RESTORING' | 'UPLOADING' | 'ERROR'>;

export interface MediaUri {
  /** Pre-signed and short-lived: fetch it without the bearer token, soon. */
  mediaUri?: string;
  waveformData?: number[];
}

export interface RecordingAnnotation {
  id?: string;
  name?: string;
  type?: string;
  location?: number;
  durationMs?: number;
  absoluteLocation?: number;
}

/** Identity, times and state; shared by Recording and RecordingMetadata. */
interface RecordingBase {
  id: string;
  name?: string;
  conversationId?: string;
  path?: string;
  startTime?: string;
  endTime?: string;
  media?: Open<'audio' | 'chat' | 'messaging' | 'email' | 'screen'>;
  mediaSubtype?: Open<'Trunk' | 'Station' | 'Consult' | 'Screen'>;
  annotations: RecordingAnnotation[];
  fileState?: RecordingFileState;
  archiveDate?: string;
  archiveMedium?: Open<'CLOUDARCHIVE'>;
  deleteDate?: string;
  exportDate?: string;
  exportedDate?: string;
  maxAllowedRestorationsForOrg?: number;
  remainingRestorationsAllowedForOrg?: number;
  sessionId?: string;
  users: EntityRef[];
  recordingFileRole?: Open<'CUSTOMER_EXPERIENCE' | 'ADHOC'>;
  recordingErrorStatus?: string;
  originalRecordingStartTime?: string;
  creationTime?: string;
  associatedConversationIds: string[];
  selfUri?: string;
}

export interface Recording extends RecordingBase {
  /** Keyed by channel: "0"/"1" (separate channels, list call) or "S" (stereo, single GET). */
  mediaUris: Record<string, MediaUri>;
  estimatedTranscodeTimeMs?: number;
  actualTranscodeTimeMs?: number;
  outputDurationMs?: number;
  outputSizeInBytes?: number;
}

export interface RecordingMetadata extends RecordingBase {
  region?: string;
}

export interface BatchDownloadRequest {
  conversationId: string;
  /** Omit for every recording of the conversation. */
  recordingId?: string;
}

export interface BatchDownloadResult {
  conversationId?: string;
  recordingId?: string;
  resultUrl?: string;
  contentType?: string;
  errorMsg?: string;
}

export interface BatchDownloadJobStatus {
  id: string;
  jobId?: string;
  expectedResultCount?: number;
  resultCount?: number;
  errorCount?: number;
  status?: Open<'InProgress' | 'Completed'>;
  results: BatchDownloadResult[];
  selfUri?: string;
}

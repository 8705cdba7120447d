/**
 * Recordings (Genesys Platform API, "Get all of a conversation's recordings"). A 202 means "still transcoding": it is a normal
 * result here, not an error, and `waitFor*` poll it out with backoff.
 */
import { GenesysError } from '../errors.js';
import type { BatchDownloadJobStatus, BatchDownloadRequest, Recording, RecordingFormat, RecordingMetadata } from '../models/recordings.js';
import { normalizeBatchStatus, normalizeRecording, normalizeRecordingMetadata } from '../models/normalize.js';
import { seg, type ApiContext } from './context.js';
import { downloadMedia, type MediaDownload } from './media-download.js';
import { pollUntil, type PollOptions } from './poll.js';

export interface MediaOptions {
  /** Default WEBM on the Genesys side; pass what your pipeline decodes. */
  formatId?: RecordingFormat;
  /** How long Genesys may hold the request waiting for the transcode (default 5000). */
  maxWaitMs?: number;
  /** Overrides formatId. */
  mediaFormats?: readonly RecordingFormat[];
}

/** `ready: false` = 202 (transcoding) or 404 (not there yet, e.g. the call just ended). */
export type Pending = { ready: false; status: 202 | 404 };
export type RecordingsResult = { ready: true; recordings: Recording[] } | Pending;
export type RecordingResult = { ready: true; recording: Recording } | Pending;

export interface RecordingsApi {
  list(conversationId: string, opts?: MediaOptions): Promise<RecordingsResult>;
  get(conversationId: string, recordingId: string, opts?: MediaOptions): Promise<RecordingResult>;
  /** Polls `list` until ready or the deadline (GenesysTimeoutError). */
  waitForList(conversationId: string, opts?: MediaOptions & PollOptions): Promise<Recording[]>;
  /** Polls `get` until ready or the deadline (GenesysTimeoutError). */
  waitFor(conversationId: string, recordingId: string, opts?: MediaOptions & PollOptions): Promise<Recording>;
  /** Metadata only: no media URIs, never 202. */
  metadata(conversationId: string): Promise<RecordingMetadata[]>;
  metadataFor(conversationId: string, recordingId: string): Promise<RecordingMetadata>;
  /** Streams a pre-signed `mediaUri` (no bearer token) as a Node Readable. */
  download(mediaUri: string, opts?: { signal?: AbortSignal }): Promise<MediaDownload>;
  /** Batch download request (≤100 items); returns the job id. */
  submitBatch(requests: readonly BatchDownloadRequest[]): Promise<string>;
  batchStatus(jobId: string): Promise<BatchDownloadJobStatus>;
}

const MAX_BATCH = 100;

function mediaQuery(o: MediaOptions) {
  return { formatId: o.formatId, maxWaitMs: o.maxWaitMs, mediaFormats: o.mediaFormats };
}

const conv = (id: string) => `/api/v2/conversations/${seg(id)}`;

export function recordingsApi(ctx: ApiContext): RecordingsApi {
  const list = async (conversationId: string, o: MediaOptions = {}): Promise<RecordingsResult> => {
    const res = await ctx.request<unknown[]>('GET', `${conv(conversationId)}/recordings`, { query: mediaQuery(o), accept: [404], ignoreBodyOn: [202] });
    if (res.status === 202 || res.status === 404) return { ready: false, status: res.status };
    return { ready: true, recordings: (res.body ?? []).map(normalizeRecording) };
  };
  const get = async (conversationId: string, recordingId: string, o: MediaOptions = {}): Promise<RecordingResult> => {
    const path = `${conv(conversationId)}/recordings/${seg(recordingId)}`;
    const res = await ctx.request<unknown>('GET', path, { query: mediaQuery(o), accept: [404], ignoreBodyOn: [202] });
    if (res.status === 202 || res.status === 404) return { ready: false, status: res.status };
    return { ready: true, recording: normalizeRecording(res.body) };
  };
  return {
    list,
    get,
    waitForList: (id, o = {}) => pollUntil(ctx, `recordings of ${id}`, async () => {
      const r = await list(id, o);
      return r.ready ? r.recordings : undefined;
    }, o),
    waitFor: (id, recId, o = {}) => pollUntil(ctx, `recording ${recId}`, async () => {
      const r = await get(id, recId, o);
      return r.ready ? r.recording : undefined;
    }, o),
    async metadata(id) {
      return ((await ctx.request<unknown[]>('GET', `${conv(id)}/recordingmetadata`)).body ?? []).map(normalizeRecordingMetadata);
    },
    async metadataFor(id, recId) {
      return normalizeRecordingMetadata((await ctx.request<unknown>('GET', `${conv(id)}/recordingmetadata/${seg(recId)}`)).body);
    },
    download: (uri, o = {}) => downloadMedia(ctx, uri, o.signal),
    async submitBatch(requests) {
      if (requests.length === 0 || requests.length > MAX_BATCH) throw new RangeError(`a batch holds 1..${MAX_BATCH} requests, got ${requests.length}`);
      const res = await ctx.request<{ id?: string }>('POST', '/api/v2/recording/batchrequests', { body: { batchDownloadRequestList: requests } });
      if (!res.body?.id) throw new GenesysError('batch download submission answered without an id');
      return res.body.id;
    },
    async batchStatus(jobId) {
      return normalizeBatchStatus((await ctx.request<unknown>('GET', `/api/v2/recording/batchrequests/${seg(jobId)}`)).body);
    },
  };
}

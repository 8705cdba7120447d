/**
 * Recording playback through the read API: an imported recording (the object
 * key comes from the conversation's stored recording row, never from the
 * request) and the recorder's live-capture WAVs (keys listed under the
 * conversation's folder, capture/sinks/recorder.ts). Object keys are scoped by
 * the caller's tenant, so another tenant's media is "not found".
 */
import { z } from 'zod';
import { recordingPrefix } from '../capture/index.js';
import type { ObjectStore } from '../platform/objects/index.js';
import { MediaBody, mediaResponse } from './media-body.js';
import { captureList, captureMediaParams, captureParams, mediaQuery, recordingMediaParams, type CaptureSession } from './media-schemas.js';
import type { ReadModel } from './read.js';
import { route, type RouteSpec } from './routes.js';
import type { Principal } from './tokens.js';

const FORMAT_TYPES: Record<string, string> = { WAV: 'audio/wav', WAV_ULAW: 'audio/wav', WEBM: 'audio/webm', OGG_VORBIS: 'audio/ogg', OGG_OPUS: 'audio/ogg', MP3: 'audio/mpeg' };
const AUDIO_TYPE = /^audio\/[a-z0-9.+-]{1,40}$/;

/**
 * The content type served for an imported recording. The stored one is what the download
 * answered; only a plain audio/* type is passed on, so stored bytes are never served as a
 * type a browser would run (text/html on the admin origin).
 */
export function mediaType(stored: string | null, format: string): string {
  const base = stored?.split(';')[0]?.trim().toLowerCase();
  if (base && AUDIO_TYPE.test(base)) return base;
  return FORMAT_TYPES[format] ?? 'application/octet-stream';
}

/** A conversation's capture folders span its days; a call longer than this many is not looked for further. */
const MAX_DAYS = 4;
/** The recorder's clock and Genesys's may differ: a session opened just before the recorded start is still found. */
const SKEW_MS = 10 * 60_000;
const DAY_MS = 86_400_000;
/** At most this many sessions are listed per conversation (each costs a sidecar read). */
const MAX_SESSIONS = 50;
/** A sidecar is small (bounded events); a larger object is not read. */
const MAX_SIDECAR_BYTES = 2 * 1024 * 1024;
const SESSION_WAV = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.wav$/;

const sidecarSchema = z.object({
  openedAt: z.string().optional(),
  media: z.object({ format: z.string().optional(), channels: z.array(z.string()).optional(), rate: z.number().int().optional() }).partial().nullish(),
  agent: z.object({ name: z.string().optional() }).partial().nullish(),
  timelineStart: z.string().optional(),
  timelineEnd: z.string().optional(),
  end: z.object({ reason: z.string().optional(), endedAt: z.string().optional() }).partial().nullish(),
  recovered: z.boolean().optional(),
});

/** The live-capture recordings of one conversation, found in object storage where the recorder put them. */
export class CaptureIndex {
  constructor(
    private readonly objects: ObjectStore,
    private readonly read: ReadModel,
    private readonly now: () => number = Date.now,
  ) {}

  /** The WAV keys by session id; undefined when the tenant does not know the conversation. */
  private async wavs(tenant: string, conversationId: string): Promise<Map<string, string> | undefined> {
    const span = await this.read.conversationSpan(tenant, conversationId);
    if (!span) return undefined;
    const found = new Map<string, string>();
    for (const prefix of this.prefixes(tenant, conversationId, span)) {
      for await (const key of this.objects.list(prefix)) {
        const m = SESSION_WAV.exec(key.slice(prefix.length));
        if (m?.[1] && found.size < MAX_SESSIONS) found.set(m[1], key);
      }
    }
    return found;
  }

  /** One folder per UTC day the conversation spans (ids in a key are the tenant's and a validated UUID). */
  private prefixes(tenant: string, conversationId: string, span: { start: string; end: string | null }): string[] {
    const from = Date.parse(span.start) - SKEW_MS;
    const to = Math.min((span.end ? Date.parse(span.end) : this.now()) + SKEW_MS, from + (MAX_DAYS - 1) * DAY_MS);
    if (!Number.isFinite(from)) return [];
    const out: string[] = [];
    for (let day = Math.floor(from / DAY_MS) * DAY_MS; day <= to; day += DAY_MS) out.push(recordingPrefix(tenant, new Date(day), conversationId));
    return out;
  }

  async list(tenant: string, conversationId: string): Promise<CaptureSession[] | undefined> {
    const wavs = await this.wavs(tenant, conversationId);
    if (!wavs) return undefined;
    const sessions = await Promise.all([...wavs].map(([sessionId, key]) => this.session(sessionId, key)));
    return sessions.filter((s) => s !== undefined).sort((a, b) => (a.openedAt ?? '').localeCompare(b.openedAt ?? '') || a.sessionId.localeCompare(b.sessionId));
  }

  async media(tenant: string, conversationId: string, sessionId: string): Promise<MediaBody | undefined> {
    const key = (await this.wavs(tenant, conversationId))?.get(sessionId);
    const head = key ? await this.objects.head(key) : undefined;
    if (!key || !head) return undefined;
    return new MediaBody('audio/wav', head.size, (range) => this.objects.get(key, range));
  }

  private async session(sessionId: string, wavKey: string): Promise<CaptureSession | undefined> {
    const head = await this.objects.head(wavKey);
    if (!head) return undefined;
    const sidecar = await this.sidecar(wavKey.replace(/\.wav$/, '.json'));
    return {
      sessionId,
      size: head.size,
      contentType: 'audio/wav',
      openedAt: sidecar?.openedAt ?? null,
      endedAt: sidecar?.end?.endedAt ?? null,
      endReason: sidecar?.end?.reason ?? null,
      format: sidecar?.media?.format ?? null,
      channels: sidecar?.media?.channels ?? [],
      rate: sidecar?.media?.rate ?? null,
      agentName: sidecar?.agent?.name ?? null,
      timelineStart: sidecar?.timelineStart ?? null,
      timelineEnd: sidecar?.timelineEnd ?? null,
      recovered: sidecar?.recovered ?? false,
    };
  }

  /** The recorder's sidecar, parsed (it is data on disk, not trusted); undefined when absent, too large or unreadable. */
  private async sidecar(key: string): Promise<z.infer<typeof sidecarSchema> | undefined> {
    const head = await this.objects.head(key);
    if (!head || head.size > MAX_SIDECAR_BYTES) return undefined;
    try {
      const chunks: Buffer[] = [];
      for await (const c of await this.objects.get(key)) chunks.push(c as Buffer);
      const parsed = sidecarSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}

export interface MediaDeps {
  read: ReadModel;
  objects: ObjectStore;
  now?: () => number;
}

const ownTenant = (q: { tenant?: string | undefined }, p: Principal): boolean => q.tenant === undefined || q.tenant === p.tenant;

/** Imported recordings and live captures as media (audio/*), and the captures' list. */
export function mediaRoutes(d: MediaDeps): RouteSpec[] {
  const captures = new CaptureIndex(d.objects, d.read, d.now);
  return [
    route({
      method: 'GET',
      path: '/api/v1/conversations/{id}/recordings/{recordingId}/media',
      operationId: 'getRecordingMedia',
      summary: 'An imported recording\'s audio, as stored (Range requests answered 206)',
      scope: 'read',
      params: recordingMediaParams,
      query: mediaQuery,
      response: mediaResponse,
      produces: ['audio/wav', 'audio/ogg', 'audio/webm', 'audio/mpeg'],
      handler: async ({ params, query, principal }) => {
        if (!ownTenant(query, principal)) return undefined;
        const rec = await d.read.recording(principal.tenant, params.id, params.recordingId);
        const head = rec ? await d.objects.head(rec.objectKey) : undefined;
        if (!rec || !head) return undefined;
        return new MediaBody(mediaType(rec.contentType, rec.format), head.size, (range) => d.objects.get(rec.objectKey, range));
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/conversations/{id}/capture',
      operationId: 'listCaptureSessions',
      summary: "The conversation's live-captured AudioHook sessions (the recorder's WAVs), by when they opened",
      scope: 'read',
      params: captureParams,
      query: mediaQuery,
      response: captureList,
      handler: async ({ params, query, principal }) => {
        if (!ownTenant(query, principal)) return undefined;
        const items = await captures.list(principal.tenant, params.id);
        return items && { items };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/conversations/{id}/capture/{sessionId}/media',
      operationId: 'getCaptureMedia',
      summary: "One live-captured session's audio as the recorder wrote it (WAV; Range requests answered 206)",
      scope: 'read',
      params: captureMediaParams,
      query: mediaQuery,
      response: mediaResponse,
      produces: ['audio/wav'],
      handler: async ({ params, query, principal }) => (ownTenant(query, principal) ? captures.media(principal.tenant, params.id, params.sessionId) : undefined),
    }),
  ];
}

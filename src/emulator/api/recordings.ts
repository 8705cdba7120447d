/**
 * Recordings (Genesys Platform API, "Get all of a conversation's recordings"): list/get with formatId (default WEBM, as in
 * Genesys) and maxWaitMs — 202 with an empty body while transcoding, 200 with
 * pre-signed `mediaUris` after — metadata, and the media files themselves
 * (served without a bearer token).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Call } from '../calls/engine.js';
import type { EmulatorContext } from '../context.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { orgOf, q1, qInt, qList, queryOf, stateOf, type WithParams } from '../http/request.js';
import { isKnownFormat, isMediaChannel, isMediaFormat, KNOWN_FORMATS, MEDIA_FILES, type MediaChannel, type MediaFormat } from '../recordings/media.js';
import { readyAt, recordingDoc, recordingMetadata } from '../recordings/recordings.js';

type Json = Record<string, unknown>;

function formatOf(req: FastifyRequest): MediaFormat | 'NONE' {
  const q = queryOf(req);
  const requested = qList(q, 'mediaFormats')[0] ?? q1(q, 'formatId') ?? 'WEBM';
  const f = requested.toUpperCase();
  if (!isKnownFormat(f)) throw badRequest(`Unknown formatId ${requested} (one of ${KNOWN_FORMATS.join(', ')})`, 'invalid.value', [{ fieldName: 'formatId' }]);
  if (f === 'NONE' || isMediaFormat(f)) return f;
  throw badRequest(`The emulator cannot produce ${f} media; ask for formatId=WEBM (Opus), WAV_ULAW (stereo µ-law) or WAV (PCM16)`, 'invalid.value', [{ fieldName: 'formatId' }]);
}

export function recordingRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const delay = () => ctx.settings().recordings.transcodeDelayMs;

  const callOf = (req: FastifyRequest<WithParams<'conversationId'>>): Call => {
    const id = req.params.conversationId;
    const call = ctx.calls.get(id);
    if (!call || call.timeline.orgId !== orgOf(req).id || ctx.clock.now() < call.timeline.start) throw notFound(`Conversation ${id} was not found.`);
    return call;
  };

  /**
   * Waits up to maxWaitMs for the transcode, on the virtual clock — but never longer than maxWaitMs
   * of real time either, so a stopped or slowed clock cannot hang the request.
   */
  const awaitReady = async (req: FastifyRequest, call: Call): Promise<boolean> => {
    const ready = readyAt(call.timeline, delay());
    const maxWait = qInt(queryOf(req), 'maxWaitMs', ctx.settings().recordings.defaultMaxWaitMs);
    if (maxWait < 0) throw badRequest('maxWaitMs must not be negative', 'invalid.value');
    const now = ctx.clock.now();
    if (now >= ready) return true;
    let timer: NodeJS.Timeout | undefined;
    const realCap = new Promise<void>((resolve) => (timer = setTimeout(resolve, maxWait)));
    await Promise.race([ctx.scheduler.until(Math.min(ready, now + maxWait)), realCap]);
    clearTimeout(timer);
    return ctx.clock.now() >= ready;
  };

  const withUris = async (req: FastifyRequest, call: Call, format: MediaFormat | 'NONE', channels: MediaChannel[]): Promise<Json | undefined> => {
    const size = format === 'NONE' ? undefined : await ctx.recordingFiles.size(call, format);
    const doc = recordingDoc(call, ctx.clock.now(), delay(), format, size);
    const r = call.timeline.recording;
    if (!doc || !r || format === 'NONE') return doc;
    const env = stateOf(req).env;
    doc.mediaUris = Object.fromEntries(channels.map((ch) => [ch, { mediaUri: ctx.media.url({ env, conversationId: call.timeline.conversationId, recordingId: r.id, channel: ch, format }) }]));
    return doc;
  };

  app.get<WithParams<'conversationId'>>('/api/v2/conversations/:conversationId/recordings', async (req, reply) => {
    const call = callOf(req);
    const format = formatOf(req);
    if (!call.timeline.recording) return [];
    if (!(await awaitReady(req, call))) return reply.code(202).send();
    return [await withUris(req, call, format, ['0', '1'])];
  });

  app.get<WithParams<'conversationId' | 'recordingId'>>('/api/v2/conversations/:conversationId/recordings/:recordingId', async (req, reply) => {
    const call = callOf(req);
    const format = formatOf(req);
    const rid = req.params.recordingId;
    if (call.timeline.recording?.id !== rid) throw notFound(`Recording ${rid} was not found.`);
    if (!(await awaitReady(req, call))) return reply.code(202).send();
    return withUris(req, call, format, ['S']);
  });

  app.get<WithParams<'conversationId'>>('/api/v2/conversations/:conversationId/recordingmetadata', async (req) => {
    const meta = recordingMetadata(callOf(req), ctx.clock.now(), delay());
    return meta ? [{ ...meta, region: stateOf(req).env }] : [];
  });

  app.get<WithParams<'conversationId' | 'recordingId'>>('/api/v2/conversations/:conversationId/recordingmetadata/:recordingId', async (req) => {
    const rid = req.params.recordingId;
    const meta = recordingMetadata(callOf(req), ctx.clock.now(), delay());
    if (!meta || meta.id !== rid) throw notFound(`Recording ${rid} was not found.`);
    return { ...meta, region: stateOf(req).env };
  });
}

export function mediaRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<WithParams<'conversationId' | 'recordingId' | 'file'>>('/media/recordings/:conversationId/:recordingId/:file', async (req, reply) => {
    const p = req.params;
    const q = queryOf(req);
    const [, channel, ext] = /^([S01])\.(\w+)$/.exec(p.file) ?? [];
    const format = q1(q, 'format') ?? '';
    if (!channel || !isMediaChannel(channel) || !isMediaFormat(format) || MEDIA_FILES[format].ext !== ext) throw notFound();
    const ref = { env: stateOf(req).env, conversationId: p.conversationId, recordingId: p.recordingId, channel, format };
    const problem = ctx.media.problem(ref, Number(q1(q, 'expires')), q1(q, 'sig') ?? '');
    if (problem) throw new ApiError(403, 'forbidden', `Media link refused: ${problem}`);
    const call = ctx.calls.get(p.conversationId);
    if (!call || call.timeline.recording?.id !== p.recordingId) throw notFound();
    const file = await ctx.recordingFiles.file(call, ref.channel, format);
    return reply.type(MEDIA_FILES[format].contentType).header('content-length', file.length).send(file);
  });
}

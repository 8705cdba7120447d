/**
 * Shapes of the media routes (recording playback): the same zod schemas
 * validate requests and make the OpenAPI document, as in schemas.ts.
 */
import { z } from 'zod';
import { uuid } from './schemas.js';

const tenant = uuid.optional().describe("The token's own tenant (optional with a token; a console session, e.g. an <audio> element, names it here)");

export const mediaQuery = z.strictObject({ tenant });

/** Genesys recording ids are UUIDs; a stereo import's channels add a suffix (`<id>-<channel>`, ingest/importer.ts). */
const RECORDING_ID = /^[0-9a-z][0-9a-z-]{0,99}$/i;

export const recordingMediaParams = z.strictObject({
  id: uuid.describe('Conversation id'),
  recordingId: z.string().regex(RECORDING_ID, 'must be a recording id as the conversation lists it').transform((s) => s.toLowerCase()).describe('A `recordingId` of the conversation'),
});

export const captureParams = z.strictObject({ id: uuid.describe('Conversation id') });

export const captureMediaParams = z.strictObject({
  id: uuid.describe('Conversation id'),
  sessionId: uuid.describe('An AudioHook session id as the capture list names it'),
});

const text = z.string().nullable();

export const captureSession = z.object({
  sessionId: z.string(),
  size: z.int().describe('Bytes of the WAV'),
  contentType: z.literal('audio/wav'),
  openedAt: text.describe('When the AudioHook session opened (from the recorder sidecar; null when it has none yet)'),
  endedAt: text,
  endReason: text,
  format: text.describe('PCMU or L16, as negotiated'),
  channels: z.array(z.string()).describe('external, internal: the WAV channels in order'),
  rate: z.int().nullable(),
  agentName: text,
  timelineStart: text.describe('Where WAV sample 0 is on the AudioHook stream timeline (ISO-8601 duration)'),
  timelineEnd: text,
  recovered: z.boolean().describe('Uploaded from the spool after a crash'),
});

export const captureList = z.object({ items: z.array(captureSession) });

export type CaptureSession = z.infer<typeof captureSession>;

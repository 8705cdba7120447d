/**
 * AudioHook protocol v2 message shapes (reference: Genesys AudioHook protocol docs, "Messages").
 * Shared by the server core, the client core and everything that speaks AudioHook.
 */

export const PROTOCOL_VERSION = '2';
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';
/** Longest text message either side may send (REF: "Text message too large (>64K)"). */
export const MAX_TEXT_LENGTH = 65_535;
export const MAX_BINARY_PAYLOAD = 65_536;

export type MediaFormat = 'PCMU' | 'L16';
export type MediaChannel = 'external' | 'internal';

export interface MediaParameter {
  type: 'audio';
  format: MediaFormat;
  channels: MediaChannel[];
  rate: number;
}

export interface Participant {
  id: string;
  ani: string;
  aniName: string;
  dnis: string;
}

export interface ContinuedSession {
  id: string;
  serverseq: number;
  clientseq: number;
}

export interface OpenParameters {
  organizationId: string;
  conversationId: string;
  participant: Participant;
  media: MediaParameter[];
  language?: string;
  supportedLanguages?: boolean;
  continuedSessions?: ContinuedSession[];
  customConfig?: Record<string, unknown>;
  /** AudioConnector only. */
  inputVariables?: Record<string, string>;
}

export type CloseReason = 'end' | 'error' | 'disconnect' | 'reconnect';
export type DisconnectReason = 'completed' | 'unauthorized' | 'error';

export interface ClientParameters {
  open: OpenParameters;
  close: { reason: CloseReason };
  ping: { rtt?: string };
  paused: Record<string, never>;
  resumed: { start: string; discarded: string };
  discarded: { start: string; discarded: string };
  update: { language?: string; [key: string]: unknown };
  error: { code: number; message: string; retryAfter?: string };
  // AudioConnector client messages, accepted by the same core.
  dtmf: { digit: string };
  playback_started: Record<string, unknown>;
  playback_completed: Record<string, unknown>;
}

export type ClientMessageType = keyof ClientParameters;

export interface ClientEnvelope<T extends ClientMessageType = ClientMessageType> {
  version: '2';
  id: string;
  type: T;
  seq: number;
  serverseq: number;
  position: string;
  parameters: ClientParameters[T];
}

export type ClientMessage = { [K in ClientMessageType]: ClientEnvelope<K> }[ClientMessageType];

export interface EventEntity {
  type: string;
  data: unknown;
}

export interface ServerParameters {
  opened: {
    media: MediaParameter[];
    startPaused?: boolean;
    discardTo?: string;
    supportedLanguages?: string[];
  };
  closed: { outputVariables?: Record<string, string> };
  pong: Record<string, never>;
  pause: Record<string, never>;
  resume: Record<string, never>;
  updated: Record<string, never>;
  event: { entities: EventEntity[] };
  disconnect: { reason: DisconnectReason; info?: string; outputVariables?: Record<string, string> };
  reconnect: { info?: string };
}

export type ServerMessageType = keyof ServerParameters;

export interface ServerEnvelope<T extends ServerMessageType = ServerMessageType> {
  version: '2';
  id: string;
  type: T;
  seq: number;
  clientseq: number;
  parameters: ServerParameters[T];
}

export type ServerMessage = { [K in ServerMessageType]: ServerEnvelope<K> }[ServerMessageType];

/**
 * Bytes of one sample of one channel: L16 is 16-bit linear PCM, PCMU one µ-law
 * byte. Takes a plain string too (the stream protocol and WAV headers carry
 * the format that way); anything but L16 counts as µ-law.
 */
export function bytesPerSample(format: MediaFormat | string): number {
  return format === 'L16' ? 2 : 1;
}

/** Bytes of one sample across all channels (the unit every audio frame is a multiple of). */
export function frameUnit(media: MediaParameter): number {
  return bytesPerSample(media.format) * media.channels.length;
}

export function isProbe(open: Pick<OpenParameters, 'conversationId'>): boolean {
  return open.conversationId === NIL_UUID;
}

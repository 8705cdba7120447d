/**
 * Runtime validation of client messages. Hand-written because the error strings
 * are part of the protocol surface (they go into `disconnect.info`) and this
 * runs for every control message.
 *
 * Policy (Genesys AudioHook protocol docs, "Messages"): validate the envelope hard, accept unknown
 * optional fields, and be lenient where REF is over-strict (UUID versions,
 * language tags, unknown media formats in offers).
 */
import { parseDuration } from './duration.js';
import type { ClientMessage, ClientMessageType, MediaParameter } from './messages.js';
import { PROTOCOL_VERSION } from './messages.js';

export type Validation<T> = { ok: true; value: T } | { ok: false; error: string };

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isUuid(v: unknown): v is string {
  return typeof v === 'string' && UUID_RE.test(v);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * True when `v` nests objects/arrays deeper than `max`. Iterative, so a hostile
 * 20,000-level document cannot overflow the stack here as it would in any
 * recursive consumer (JSON.stringify in a sink, a logger's serializer).
 */
export function exceedsDepth(v: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[v, 0]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [node, depth] = top;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(node)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isDuration(v: unknown): v is string {
  return typeof v === 'string' && parseDuration(v) !== undefined;
}

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

/** The fields every client message carries, once checked; `type` is not yet known to be one we handle. */
export interface Envelope {
  version: typeof PROTOCOL_VERSION;
  id: string;
  type: string;
  seq: number;
  serverseq: number;
  position: string;
  parameters: Record<string, unknown>;
}

/** What a guard below found wrong: the first failure, which becomes the message's error text. */
class Why {
  error = '';
  no(error: string): false {
    this.error = error;
    return false;
  }
}

function isEnvelope(v: unknown, why: Why): v is Record<string, unknown> & Envelope {
  if (!isObject(v)) return why.no('Message is not a JSON object');
  if (v.version !== PROTOCOL_VERSION) return why.no('Invalid or missing version (expected "2")');
  if (!isUuid(v.id)) return why.no('Invalid or missing id');
  if (typeof v.type !== 'string' || v.type.length === 0) return why.no('Invalid or missing type');
  if (!isNonNegInt(v.seq) || v.seq < 1) return why.no('Invalid or missing seq');
  if (!isNonNegInt(v.serverseq)) return why.no('Invalid or missing serverseq');
  if (!isDuration(v.position)) return why.no('Invalid or missing position');
  if (!isObject(v.parameters)) return why.no('Invalid or missing parameters');
  return true;
}

/** Validates the fields every client message carries. */
export function validateEnvelope(v: unknown): Validation<Record<string, unknown> & Envelope> {
  const why = new Why();
  return isEnvelope(v, why) ? { ok: true, value: v } : fail(why.error);
}

type ParamCheck = (p: Record<string, unknown>) => string | undefined;

function checkMediaEntry(m: unknown, i: number): string | undefined {
  if (!isObject(m)) return `media[${i}] is not an object`;
  if (m.type !== 'audio') return `media[${i}].type must be "audio"`;
  if (typeof m.format !== 'string' || m.format.length === 0) return `media[${i}].format must be a string`;
  if (!Array.isArray(m.channels) || m.channels.length === 0) return `media[${i}].channels must be a non-empty array`;
  if (!m.channels.every((c) => typeof c === 'string')) return `media[${i}].channels must be strings`;
  if (typeof m.rate !== 'number' || !Number.isInteger(m.rate) || m.rate <= 0) return `media[${i}].rate must be a positive integer`;
  return undefined;
}

const checkOpen: ParamCheck = (p) => {
  if (!isUuid(p.organizationId)) return 'open: invalid organizationId';
  if (!isUuid(p.conversationId)) return 'open: invalid conversationId';
  const part = p.participant;
  if (!isObject(part)) return 'open: missing participant';
  if (!isUuid(part.id)) return 'open: invalid participant.id';
  for (const k of ['ani', 'aniName', 'dnis'] as const) {
    if (typeof part[k] !== 'string') return `open: participant.${k} must be a string`;
  }
  if (!Array.isArray(p.media)) return 'open: media must be an array';
  for (let i = 0; i < p.media.length; i++) {
    const err = checkMediaEntry(p.media[i], i);
    if (err) return `open: ${err}`;
  }
  if (p.language !== undefined && typeof p.language !== 'string') return 'open: language must be a string';
  if (p.supportedLanguages !== undefined && typeof p.supportedLanguages !== 'boolean') return 'open: supportedLanguages must be a boolean';
  if (p.customConfig !== undefined && !isObject(p.customConfig)) return 'open: customConfig must be an object';
  if (p.continuedSessions !== undefined && !Array.isArray(p.continuedSessions)) return 'open: continuedSessions must be an array';
  if (p.inputVariables !== undefined && !isObject(p.inputVariables)) return 'open: inputVariables must be an object';
  return undefined;
};

const checkStartDiscarded =
  (type: string): ParamCheck =>
  (p) => {
    if (!isDuration(p.start)) return `${type}: invalid start`;
    if (!isDuration(p.discarded)) return `${type}: invalid discarded`;
    return undefined;
  };

const PARAM_CHECKS: Record<ClientMessageType, ParamCheck> = {
  open: checkOpen,
  close: (p) => (typeof p.reason === 'string' ? undefined : 'close: missing reason'),
  ping: (p) => (p.rtt === undefined || isDuration(p.rtt) ? undefined : 'ping: invalid rtt'),
  paused: () => undefined,
  resumed: checkStartDiscarded('resumed'),
  discarded: checkStartDiscarded('discarded'),
  update: (p) => (p.language === undefined || typeof p.language === 'string' ? undefined : 'update: language must be a string'),
  error: (p) => {
    if (typeof p.code !== 'number' || !Number.isInteger(p.code)) return 'error: invalid code';
    if (typeof p.message !== 'string') return 'error: invalid message';
    if (p.retryAfter !== undefined && !isDuration(p.retryAfter)) return 'error: invalid retryAfter';
    return undefined;
  },
  dtmf: (p) => (typeof p.digit === 'string' ? undefined : 'dtmf: invalid digit'),
  playback_started: () => undefined,
  playback_completed: () => undefined,
};

export function isClientMessageType(t: string): t is ClientMessageType {
  return Object.prototype.hasOwnProperty.call(PARAM_CHECKS, t);
}

/**
 * The envelope's type is one we handle and its parameters pass that type's check: the one place where the
 * checks above become the message types. Under the leniency policy at the top, an offered media format and
 * a close reason are only known to be strings: selectMedia keeps only the formats its policy lists, and the
 * server core passes a close reason on as a string.
 */
function isClientMessage(env: Envelope, why: Why): env is Envelope & ClientMessage {
  const { type } = env;
  if (!isClientMessageType(type)) return why.no(`Unknown message type "${type.slice(0, 40)}"`);
  const err = PARAM_CHECKS[type](env.parameters);
  return err === undefined || why.no(err);
}

/** Validates a parsed envelope's type and parameters. */
export function validateClientMessage(v: unknown): Validation<ClientMessage> {
  const why = new Why();
  return isEnvelope(v, why) && isClientMessage(v, why) ? { ok: true, value: v } : fail(why.error);
}

/** True when `selected` is exactly one of `offered` (format, rate, type, channel order). */
export function mediaEquals(a: MediaParameter, b: MediaParameter): boolean {
  return (
    a.type === b.type &&
    a.format === b.format &&
    a.rate === b.rate &&
    a.channels.length === b.channels.length &&
    a.channels.every((c, i) => c === b.channels[i])
  );
}

/**
 * Speech-to-speech over the OpenAI Realtime API (or anything that speaks it), on a WebSocket.
 *
 * Protocol, from OpenAI's public docs:
 *  - "Realtime API with WebSocket", https://platform.openai.com/docs/guides/realtime-websocket
 *    (wss://api.openai.com/v1/realtime?model=…, `Authorization: Bearer <key>`);
 *  - "Client events", https://platform.openai.com/docs/api-reference/realtime-client-events
 *    (`session.update`, `input_audio_buffer.append` with base64 audio, `response.cancel`);
 *  - "Server events", https://platform.openai.com/docs/api-reference/realtime-server-events
 *    (`input_audio_buffer.speech_started`, `response.created`, `response.output_audio.delta`,
 *    `response.done`, `conversation.item.input_audio_transcription.completed`,
 *    `response.function_call_arguments.done`, `error`);
 *  - "Voice activity detection", https://platform.openai.com/docs/guides/realtime-vad (`server_vad`).
 *
 * Session shape: the GA one by default (`session.type: realtime`, `audio.input/output.format.type:
 * audio/pcmu`); `shape: 'beta'` sends the older beta shape (`input_audio_format: g711_ulaw`, header
 * `OpenAI-Beta: realtime=v1`) for endpoints that still speak it. Server events of both shapes are
 * understood (`response.audio.delta` is the beta name of `response.output_audio.delta`).
 *
 * µ-law 8 kHz both ways, so no resampling. The model ends the call through two tools: `end_call` and
 * `transfer_to_agent` become an `end` event. No reconnect: a failure is an `error` event.
 */
import type { Logger } from '../../platform/logging/index.js';
import type { RealtimeEngine, RealtimeEvent, RealtimeSession, RealtimeSessionOptions } from './types.js';
import { openWsLink, type DropCounter } from './ws-link.js';

/** The connector's `realtime` settings (src/tenants/voicebot-config.ts). */
export interface OpenAiRealtimeConfig {
  url: string;
  apiKey: string;
  model: string;
  voice: string;
  instructions?: string;
}

export interface OpenAiRealtimeOptions {
  logger?: Logger;
  /** Counts caller-audio bytes dropped (link connecting with a full buffer, or behind). */
  drops?: DropCounter;
  connectTimeoutMs?: number;
  /** Bytes of outgoing events held while connecting / unsent on the socket (default ~5 s of base64 audio). */
  maxBufferedBytes?: number;
  /** Session shape sent (default `ga`). */
  shape?: 'ga' | 'beta';
  /** Caller transcription model; null: no caller transcripts. Default `whisper-1`. */
  transcriptionModel?: string | null;
}

const DEFAULT_INSTRUCTIONS = 'You are a helpful, concise voice assistant answering a phone call for a contact center.';
const TOOL_GUIDE =
  'When the caller is done, call end_call (with a short summary). When the caller asks for a person or you cannot help, call transfer_to_agent with the reason.';

export const REALTIME_TOOLS = [
  {
    type: 'function',
    name: 'end_call',
    description: 'End the call once the caller has what they need.',
    parameters: {
      type: 'object',
      properties: {
        summary: { type: 'string', description: 'One sentence on what the call achieved.' },
        outputVariables: { type: 'object', description: 'Values for the contact center flow (strings).', additionalProperties: { type: 'string' } },
      },
    },
  },
  {
    type: 'function',
    name: 'transfer_to_agent',
    description: 'Hand the caller over to a human agent.',
    parameters: { type: 'object', properties: { reason: { type: 'string', description: 'Why the caller needs an agent.' } }, required: ['reason'] },
  },
] as const;

/** Bounds on what the caller's side (input variables) and the model (tool arguments) can make us carry. */
const MAX_VARS = 50;
const MAX_KEY = 64;
const MAX_VALUE = 2000;

const clean = (s: string, max: number): string => s.replace(/\p{Cc}/gu, ' ').slice(0, max);

/** The session's instructions: configured text, how to end the call, and the call's input variables. */
export function realtimeInstructions(cfg: Pick<OpenAiRealtimeConfig, 'instructions'>, inputVariables: Readonly<Record<string, string>>, language?: string): string {
  const vars = Object.entries(inputVariables)
    .slice(0, MAX_VARS)
    .map(([k, v]) => `- ${clean(k, MAX_KEY)}: ${clean(String(v), MAX_VALUE)}`);
  const lang = language ? [`The caller's language is ${clean(language, 35)}: answer in it.`] : [];
  return [cfg.instructions ?? DEFAULT_INSTRUCTIONS, TOOL_GUIDE, ...lang, ...(vars.length ? ['Call context:', ...vars] : [])].join('\n');
}

export function realtimeSessionUpdate(cfg: OpenAiRealtimeConfig, instructions: string, shape: 'ga' | 'beta', transcriptionModel: string | null): object {
  const transcription = transcriptionModel ? { model: transcriptionModel } : undefined;
  if (shape === 'beta') {
    return {
      type: 'session.update',
      session: {
        modalities: ['audio', 'text'],
        instructions,
        voice: cfg.voice,
        input_audio_format: 'g711_ulaw',
        output_audio_format: 'g711_ulaw',
        turn_detection: { type: 'server_vad' },
        ...(transcription ? { input_audio_transcription: transcription } : {}),
        tools: REALTIME_TOOLS,
        tool_choice: 'auto',
      },
    };
  }
  return {
    type: 'session.update',
    session: {
      type: 'realtime',
      model: cfg.model,
      instructions,
      output_modalities: ['audio'],
      audio: {
        input: { format: { type: 'audio/pcmu' }, turn_detection: { type: 'server_vad' }, ...(transcription ? { transcription } : {}) },
        output: { format: { type: 'audio/pcmu' }, voice: cfg.voice },
      },
      tools: REALTIME_TOOLS,
      tool_choice: 'auto',
    },
  };
}

/** Tool arguments as Architect output variables: strings only, bounded. */
function toOutputVariables(name: string, argsJson: unknown): { action: 'end' | 'handover'; outputVariables: Record<string, string> } {
  let args: Record<string, unknown> = {};
  try {
    const parsed: unknown = typeof argsJson === 'string' ? JSON.parse(argsJson) : {};
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) args = parsed as Record<string, unknown>;
  } catch {
    // The model still asked to end: end, without variables.
  }
  const out: Record<string, string> = {};
  const put = (k: string, v: unknown): void => {
    if (v === undefined || v === null || Object.keys(out).length >= MAX_VARS) return;
    out[clean(k, MAX_KEY)] = clean(typeof v === 'string' ? v : JSON.stringify(v), MAX_VALUE);
  };
  if (name === 'transfer_to_agent') {
    put('reason', args.reason);
    return { action: 'handover', outputVariables: out };
  }
  const vars = args.outputVariables;
  if (vars && typeof vars === 'object' && !Array.isArray(vars)) for (const [k, v] of Object.entries(vars)) put(k, v);
  put('summary', args.summary);
  return { action: 'end', outputVariables: out };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function createOpenAiRealtime(cfg: OpenAiRealtimeConfig, opts: OpenAiRealtimeOptions = {}): RealtimeEngine {
  return {
    name: 'openai-realtime',
    connect(session: RealtimeSessionOptions): Promise<RealtimeSession> {
      // async: a bad URL rejects the promise rather than throwing at the caller.
      return Promise.resolve().then(() => openSession(cfg, opts, session));
    },
  };
}

function openSession(cfg: OpenAiRealtimeConfig, opts: OpenAiRealtimeOptions, session: RealtimeSessionOptions): RealtimeSession {
  const shape = opts.shape ?? 'ga';
  const url = new URL(cfg.url);
  if (!url.searchParams.has('model')) url.searchParams.set('model', cfg.model);
  let active: string | undefined; // the response being spoken
  const cancelled: string[] = []; // recent cancelled response ids (bounded)
  let ended = false;
  let endSent = false;
  const emit = (e: RealtimeEvent): void => {
    if (!ended) session.listener(e);
  };

  const onEvent = (m: Record<string, unknown>): void => {
    const response = m.response as { id?: unknown } | undefined;
    switch (m.type) {
      case 'input_audio_buffer.speech_started':
        return emit({ type: 'speech-started' });
      case 'response.created':
        active = str(response?.id);
        return;
      case 'response.output_audio.delta':
      case 'response.audio.delta': {
        const id = str(m.response_id);
        const delta = str(m.delta);
        if (!id || !delta || cancelled.includes(id)) return;
        active ??= id;
        return emit({ type: 'audio', audio: new Uint8Array(Buffer.from(delta, 'base64')), responseId: id });
      }
      case 'response.done': {
        const id = str(response?.id);
        if (!id) return;
        if (active === id) active = undefined;
        return emit({ type: 'response-done', responseId: id });
      }
      case 'conversation.item.input_audio_transcription.completed': {
        const text = str(m.transcript)?.trim();
        return text ? emit({ type: 'transcript', role: 'caller', text }) : undefined;
      }
      case 'response.output_audio_transcript.done':
      case 'response.audio_transcript.done': {
        const text = str(m.transcript)?.trim();
        return text ? emit({ type: 'transcript', role: 'bot', text }) : undefined;
      }
      case 'response.function_call_arguments.done': {
        const name = str(m.name);
        if ((name !== 'end_call' && name !== 'transfer_to_agent') || endSent) return;
        endSent = true;
        return emit({ type: 'end', ...toOutputVariables(name, m.arguments) });
      }
      case 'error': {
        const e = (m.error ?? {}) as { code?: unknown; message?: unknown };
        // Cancelling a response that has just finished is a harmless race.
        if (e.code === 'response_cancel_not_active') return;
        const text = `openai-realtime: ${str(e.code) ?? 'error'}: ${(str(e.message) ?? '').slice(0, 200)}`;
        return emit({ type: 'error', error: new Error(text.split(cfg.apiKey).join('…')) });
      }
      default:
        return;
    }
  };

  const link = openWsLink({
    engine: 'openai-realtime',
    url: url.toString(),
    headers: { Authorization: `Bearer ${cfg.apiKey}`, ...(shape === 'beta' ? { 'OpenAI-Beta': 'realtime=v1' } : {}) },
    secret: cfg.apiKey,
    connectTimeoutMs: opts.connectTimeoutMs ?? 5000,
    maxBufferedBytes: opts.maxBufferedBytes ?? 64_000,
    logger: opts.logger,
    drops: opts.drops,
    onOpen: () => undefined,
    onText: (text) => {
      let m: unknown;
      try {
        m = JSON.parse(text);
      } catch {
        return;
      }
      if (m && typeof m === 'object') onEvent(m as Record<string, unknown>);
    },
    onError: (error) => emit({ type: 'error', error }),
    onClose: () => undefined,
  });
  // First on the wire (queued while connecting): audio appended before it would be misread.
  link.send(JSON.stringify(realtimeSessionUpdate(cfg, realtimeInstructions(cfg, session.inputVariables, session.language), shape, opts.transcriptionModel === undefined ? 'whisper-1' : opts.transcriptionModel)), true);

  const close = async (): Promise<void> => {
    if (ended) return;
    ended = true;
    await link.close();
  };
  session.signal?.addEventListener('abort', () => void close(), { once: true });

  return {
    send(audio) {
      if (ended || audio.byteLength === 0) return;
      link.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: Buffer.from(audio).toString('base64') }));
    },
    cancelResponse() {
      if (ended || !active) return;
      cancelled.push(active);
      if (cancelled.length > 16) cancelled.shift();
      link.send(JSON.stringify({ type: 'response.cancel', response_id: active }), true);
      active = undefined;
    },
    close,
  };
}

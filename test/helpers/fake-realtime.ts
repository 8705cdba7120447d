/**
 * A local server speaking the OpenAI Realtime API over WebSocket, written from the public docs
 * ("Realtime API with WebSocket", "Client events", "Server events", "Voice activity detection" on
 * platform.openai.com). GA event names by default; `shape: 'beta'` expects the beta session shape and
 * sends `response.audio.delta`.
 *
 * Deterministic, on audio time rather than the wall clock:
 *  - the first client event must be a valid `session.update` (µ-law in and out, server VAD, the two
 *    call-control tools), else an `error` event;
 *  - appended audio is cut by energy (20 ms µ-law windows): onset → `input_audio_buffer.speech_started`;
 *    300 ms of silence → `speech_stopped`, the caller transcript, and a response from the script;
 *  - a response streams one `…audio.delta` per `input_audio_buffer.append` received after it began (a
 *    caller's audio flows continuously, so this paces the response without timers), then its transcript
 *    and `response.done`;
 *  - `response.cancel` stops the deltas (after `lateDeltas` more, the in-flight race a real server has)
 *    and ends the response with status `cancelled`;
 *  - a script entry with `call` answers with a function call instead of audio.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ulawDecode } from '../../src/audio/index.js';

export interface FakeTurn {
  /** What the caller is heard to say. */
  heard: string;
  /** The spoken answer: µ-law bytes, sent in `chunks` deltas. */
  audio?: Uint8Array;
  text?: string;
  /** A function call instead of audio. */
  call?: { name: string; arguments: string };
}

export interface FakeRealtimeOptions {
  apiKey: string;
  script: FakeTurn[];
  shape?: 'ga' | 'beta';
  /** Deltas per response (default 8). */
  chunks?: number;
  /** Deltas still sent after a `response.cancel` (default 0). */
  lateDeltas?: number;
  threshold?: number;
}

export interface FakeRealtimeConnection {
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** Client events by type, in order (audio appends counted, not stored). */
  events: { type?: string; [k: string]: unknown }[];
  appends: number;
  session?: Record<string, unknown>;
  /** Deltas sent per response id. */
  sent: Map<string, number>;
  closedCode?: number;
}

const WINDOW = 160;

export async function startFakeRealtime(o: FakeRealtimeOptions) {
  const connections: FakeRealtimeConnection[] = [];
  const http: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/v1/realtime') return void socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    if (req.headers.authorization !== `Bearer ${o.apiKey}`) return void socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: FakeRealtimeConnection = { query: url.searchParams, headers: req.headers, events: [], appends: 0, sent: new Map() };
      connections.push(conn);
      serve(ws, conn, o);
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/v1/realtime`,
    connections,
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

/** Why a session.update is not what this adapter must send, or undefined when it is. */
export function sessionProblem(s: Record<string, unknown> | undefined, shape: 'ga' | 'beta'): string | undefined {
  if (!s) return 'session.update must come first';
  const tools = Array.isArray(s.tools) ? (s.tools as { name?: string }[]).map((t) => t.name) : [];
  if (!tools.includes('end_call') || !tools.includes('transfer_to_agent')) return 'tools end_call and transfer_to_agent required';
  if (typeof s.instructions !== 'string' || !s.instructions) return 'instructions required';
  if (shape === 'beta') {
    if (s.input_audio_format !== 'g711_ulaw' || s.output_audio_format !== 'g711_ulaw') return 'g711_ulaw in and out required';
    if ((s.turn_detection as { type?: string } | undefined)?.type !== 'server_vad') return 'server_vad required';
    return typeof s.voice === 'string' ? undefined : 'voice required';
  }
  const audio = s.audio as { input?: Record<string, { type?: string }>; output?: { format?: { type?: string }; voice?: string } } | undefined;
  if (s.type !== 'realtime') return 'session.type must be realtime';
  if (audio?.input?.format?.type !== 'audio/pcmu' || audio.output?.format?.type !== 'audio/pcmu') return 'audio/pcmu in and out required';
  if (audio.input.turn_detection?.type !== 'server_vad') return 'server_vad required';
  return typeof audio.output.voice === 'string' ? undefined : 'voice required';
}

function serve(ws: WebSocket, conn: FakeRealtimeConnection, o: FakeRealtimeOptions): void {
  const shape = o.shape ?? 'ga';
  const chunks = o.chunks ?? 8;
  const threshold = o.threshold ?? 500;
  let turn = 0;
  let nextId = 0;
  let configured = false;
  let inSpeech = false;
  let silenceMs = 0;
  let carry = Buffer.alloc(0);
  let resp: { id: string; parts: Uint8Array[]; text: string; late?: number } | undefined;
  const send = (m: object): void => ws.send(JSON.stringify(m));
  const deltaType = shape === 'beta' ? 'response.audio.delta' : 'response.output_audio.delta';
  const transcriptType = shape === 'beta' ? 'response.audio_transcript.done' : 'response.output_audio_transcript.done';

  const finish = (status: 'completed' | 'cancelled'): void => {
    if (!resp) return;
    if (status === 'completed') send({ type: transcriptType, response_id: resp.id, transcript: resp.text });
    send({ type: 'response.done', response: { id: resp.id, status } });
    resp = undefined;
  };
  const nextDelta = (): void => {
    if (!resp) return;
    if (resp.late !== undefined && resp.late-- <= 0) return finish('cancelled');
    const part = resp.parts.shift();
    if (!part) return finish('completed');
    conn.sent.set(resp.id, (conn.sent.get(resp.id) ?? 0) + 1);
    send({ type: deltaType, response_id: resp.id, item_id: `item_${resp.id}`, output_index: 0, content_index: 0, delta: Buffer.from(part).toString('base64') });
  };
  const respond = (): void => {
    const t = o.script[turn++] ?? { heard: 'unscripted', audio: new Uint8Array(800).fill(0xff), text: 'unscripted' };
    send({ type: 'conversation.item.input_audio_transcription.completed', item_id: `in_${turn}`, content_index: 0, transcript: t.heard });
    const id = `resp_${++nextId}`;
    send({ type: 'response.created', response: { id, status: 'in_progress' } });
    if (t.call) {
      send({ type: 'response.function_call_arguments.done', response_id: id, item_id: `fc_${id}`, call_id: `call_${id}`, name: t.call.name, arguments: t.call.arguments });
      send({ type: 'response.done', response: { id, status: 'completed' } });
      return;
    }
    const audio = t.audio ?? new Uint8Array(1600).fill(0xff);
    const size = Math.ceil(audio.length / chunks);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < audio.length; i += size) parts.push(audio.subarray(i, i + size));
    resp = { id, parts, text: t.text ?? '' };
    nextDelta();
  };
  const window = (w: Buffer): void => {
    const pcm = ulawDecode(w);
    let sum = 0;
    for (const s of pcm) sum += s * s;
    const speech = Math.sqrt(sum / pcm.length) > threshold;
    if (speech) {
      silenceMs = 0;
      if (!inSpeech) {
        inSpeech = true;
        send({ type: 'input_audio_buffer.speech_started', audio_start_ms: 0, item_id: `in_${turn + 1}` });
      }
    } else if (inSpeech && (silenceMs += 20) >= 300) {
      inSpeech = false;
      send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: 0, item_id: `in_${turn + 1}` });
      send({ type: 'input_audio_buffer.committed', item_id: `in_${turn + 1}` });
      respond();
    }
  };

  ws.on('close', (code) => {
    conn.closedCode = code;
  });
  ws.on('message', (data) => {
    let m: { type?: string; [k: string]: unknown };
    try {
      m = JSON.parse(String(data)) as typeof m;
    } catch {
      return send({ type: 'error', error: { type: 'invalid_request_error', code: 'invalid_json', message: 'not JSON' } });
    }
    if (m.type === 'input_audio_buffer.append') {
      conn.appends++;
      if (!configured) return send({ type: 'error', error: { type: 'invalid_request_error', code: 'session_not_configured', message: 'session.update must come first' } });
      nextDelta(); // the response (if any) advances with the caller's audio
      const buf = Buffer.concat([carry, Buffer.from(String(m.audio ?? ''), 'base64')]);
      let i = 0;
      for (; i + WINDOW <= buf.length; i += WINDOW) window(buf.subarray(i, i + WINDOW));
      carry = buf.subarray(i);
      return;
    }
    conn.events.push(m);
    if (m.type === 'session.update') {
      conn.session = m.session as Record<string, unknown>;
      const problem = sessionProblem(conn.session, shape);
      if (problem) return send({ type: 'error', error: { type: 'invalid_request_error', code: 'invalid_session', message: problem } });
      configured = true;
      return send({ type: 'session.updated', session: conn.session });
    }
    if (m.type === 'response.cancel') {
      if (!resp) return send({ type: 'error', error: { type: 'invalid_request_error', code: 'response_cancel_not_active', message: 'no active response' } });
      resp.late = o.lateDeltas ?? 0;
      if (resp.late === 0) finish('cancelled');
    }
  });
}

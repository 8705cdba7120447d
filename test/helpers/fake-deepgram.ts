/**
 * A local server speaking Deepgram's live streaming API, written from the public docs
 * (https://developers.deepgram.com/reference/speech-to-text-api/listen-streaming, "Audio Keep Alive",
 * "Finalize", "Close Stream", "Speech Started", "Utterance End").
 *
 * It "recognizes" deterministically: caller audio is cut into utterances by energy (20 ms windows of
 * µ-law), and the n-th utterance is heard as the n-th entry of a script. Time is audio time (8 bytes a
 * millisecond), so nothing depends on the wall clock: an utterance ends after `endpointingMs` of
 * silent audio (from the query), and the test decides when by what it sends.
 *
 * Each utterance gives: `SpeechStarted` at onset; an interim `Results` per 100 ms of speech with a growing
 * prefix of the words; at the end one `is_final` `Results` per script piece, the last with
 * `speech_final: true` (or none with it and an `UtteranceEnd` instead, when `useUtteranceEnd`).
 * `Finalize` finalizes the utterance in progress at once (`from_finalize: true`); `CloseStream` does the
 * same, sends `Metadata` and closes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ulawDecode } from '../../src/audio/index.js';

export interface FakeDeepgramOptions {
  apiKey: string;
  /** Per utterance, its final pieces (joined with spaces they are the utterance's text). */
  script: string[][];
  /** End utterances with `UtteranceEnd` instead of `speech_final`. */
  useUtteranceEnd?: boolean;
  /** RMS (16-bit linear) above which a 20 ms window is speech. */
  threshold?: number;
  /** The header and value a client must send (default `authorization: Token <apiKey>`); header names in lower case. */
  auth?: { header: string; value: string };
}

export interface FakeDeepgramConnection {
  query: URLSearchParams;
  authorization: string | undefined;
  /** The auth header's value as received (the default or `auth.header`). */
  auth: string | undefined;
  /** Text messages from the client, parsed. */
  messages: { type?: string }[];
  audioBytes: number;
  closedCode?: number;
}

const WINDOW = 160; // 20 ms of 8 kHz µ-law (twice as many bytes with encoding=linear16)

/** 16-bit little-endian PCM (encoding=linear16) as samples. */
function linear16(buf: Buffer): Int16Array {
  const out = new Int16Array(buf.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(i * 2);
  return out;
}

export async function startFakeDeepgram(o: FakeDeepgramOptions) {
  const connections: FakeDeepgramConnection[] = [];
  let scriptIndex = 0;
  const http: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/v1/listen') return void socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    const auth = o.auth ?? { header: 'authorization', value: `Token ${o.apiKey}` };
    const got = req.headers[auth.header];
    if (got !== auth.value) return void socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: FakeDeepgramConnection = { query: url.searchParams, authorization: req.headers.authorization, auth: typeof got === 'string' ? got : undefined, messages: [], audioBytes: 0 };
      connections.push(conn);
      serve(ws, conn, () => o.script[scriptIndex++] ?? ['unscripted'], o);
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/v1/listen`,
    connections,
    /** Closes every client connection from the server side, cleanly (1000) or with a code. */
    hangUp(code = 1000, reason = '') {
      for (const c of wss.clients) c.close(code, reason);
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

function serve(ws: WebSocket, conn: FakeDeepgramConnection, nextScript: () => string[], o: FakeDeepgramOptions): void {
  const endpointingMs = Number(conn.query.get('endpointing') ?? 10);
  const threshold = o.threshold ?? 500;
  const pcm16 = conn.query.get('encoding') === 'linear16';
  const windowBytes = pcm16 ? WINDOW * 2 : WINDOW;
  let t = 0; // audio ms received
  let carry = Buffer.alloc(0);
  let utt: { pieces: string[]; startMs: number; speechMs: number; silenceMs: number } | undefined;
  const send = (m: object): void => ws.send(JSON.stringify(m));
  const results = (text: string, extra: object): void =>
    send({ type: 'Results', channel_index: [0, 1], start: (utt?.startMs ?? t) / 1000, duration: (t - (utt?.startMs ?? t)) / 1000, channel: { alternatives: [{ transcript: text, confidence: 0.9 }] }, ...extra });

  const finish = (how: 'endpoint' | 'finalize'): void => {
    if (!utt) return;
    const { pieces } = utt;
    pieces.forEach((p, i) => {
      const last = i === pieces.length - 1;
      results(p, { is_final: true, speech_final: last && how === 'endpoint' && !o.useUtteranceEnd, ...(how === 'finalize' ? { from_finalize: true } : {}) });
    });
    if (how === 'endpoint' && o.useUtteranceEnd) send({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: t / 1000 });
    utt = undefined;
  };

  const window = (w: Buffer): void => {
    const pcm = pcm16 ? linear16(w) : ulawDecode(w);
    let sum = 0;
    for (const s of pcm) sum += s * s;
    const speech = Math.sqrt(sum / pcm.length) > threshold;
    t += WINDOW / 8;
    if (speech && !utt) {
      utt = { pieces: nextScript(), startMs: t - 20, speechMs: 0, silenceMs: 0 };
      send({ type: 'SpeechStarted', channel: [0, 1], timestamp: utt.startMs / 1000 });
    }
    if (!utt) return;
    if (speech) {
      utt.silenceMs = 0;
      utt.speechMs += 20;
      if (utt.speechMs % 100 === 0) {
        const words = utt.pieces.join(' ').split(' ');
        results(words.slice(0, Math.min(words.length - 1, utt.speechMs / 100) || 1).join(' '), { is_final: false, speech_final: false });
      }
    } else if ((utt.silenceMs += 20) >= endpointingMs) finish('endpoint');
  };

  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      const buf = Buffer.concat([carry, data as Buffer]);
      conn.audioBytes += (data as Buffer).length;
      let i = 0;
      for (; i + windowBytes <= buf.length; i += windowBytes) window(buf.subarray(i, i + windowBytes));
      carry = buf.subarray(i);
      return;
    }
    let m: { type?: string };
    try {
      m = JSON.parse(String(data)) as { type?: string };
    } catch {
      return void ws.close(1008, 'invalid JSON');
    }
    conn.messages.push(m);
    if (m.type === 'Finalize') finish('finalize');
    else if (m.type === 'CloseStream') {
      finish('finalize');
      send({ type: 'Metadata', request_id: 'fake', duration: t / 1000, channels: 1 });
      ws.close(1000);
    }
  });
  ws.on('close', (code) => {
    conn.closedCode = code;
  });
}

/**
 * The floor for bench:capture: a bare `ws` server that does the least an
 * AudioHook client needs to keep streaming — a fixed `opened` (stereo PCMU),
 * `pong` for `ping`, `closed` for `close` — and otherwise only receives.
 * It counts frames so the benchmark can see the rate actually delivered.
 *
 * Child process entry: `node baseline-server.js <port>`; GET /stats returns
 * {"frames":n,"bytes":n}.
 */
import { createServer } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

const OPENED_MEDIA = [{ type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 }];
const REPLY: Record<string, { type: string; parameters: Record<string, unknown> }> = {
  open: { type: 'opened', parameters: { media: OPENED_MEDIA } },
  ping: { type: 'pong', parameters: {} },
  close: { type: 'closed', parameters: {} },
};

const stats = { frames: 0, bytes: 0 };

function serve(ws: WebSocket): void {
  let seq = 0;
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      stats.frames++;
      stats.bytes += (data as Buffer).length;
      return;
    }
    const msg = JSON.parse((data as Buffer).toString('utf8')) as { id: string; type: string; seq: number };
    const reply = REPLY[msg.type];
    if (!reply) return;
    seq += 1;
    ws.send(JSON.stringify({ version: '2', id: msg.id, type: reply.type, seq, clientseq: msg.seq, parameters: reply.parameters }));
  });
  ws.on('error', () => undefined);
}

function main(): void {
  const port = Number(process.argv[2] ?? 0);
  const http = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(stats));
  });
  // Same socket settings as the Hookline endpoint (src/capture/server.ts).
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: 64 * 1024, clientTracking: false });
  wss.on('connection', serve);
  http.listen(port, '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
}

main();

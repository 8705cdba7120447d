/**
 * A loopback webhook receiver: records every request and answers what the
 * test's `respond` says (a status, or 'hang' to never answer).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { vi } from 'vitest';
import { Webhook } from 'standardwebhooks';

export interface Received {
  /** The test's (virtual) time when the request arrived. */
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number | 'hang';
}

export interface TestReceiver {
  url: string;
  requests: Received[];
  respond: (r: Omit<Received, 'status'>) => number | 'hang';
  /** Answers after this long (real time), so overlapping senders would show. */
  delayMs: number;
  close(): Promise<void>;
}

export async function startReceiver(respond: TestReceiver['respond'] = () => 200, clock: () => number = Date.now): Promise<TestReceiver> {
  const r: TestReceiver = { url: '', requests: [], respond, delayMs: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const got = { at: clock(), path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const status = r.respond(got);
      r.requests.push({ ...got, status });
      if (status === 'hang') return;
      const answer = () => res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? `status ${status} from the test receiver` : 'ok');
      if (r.delayMs > 0) setTimeout(answer, r.delayMs);
      else answer();
    });
  });
  // Idle keep-alive sockets stay open longer than the sender's pool keeps them: no reset race between tests' steps.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  r.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return r;
}

/** Verifies with the `standardwebhooks` library as a receiver would, its clock set to `atMs` (the test's virtual time). */
export function verify(secret: string, req: { body: string; headers: IncomingHttpHeaders }, atMs: number): unknown {
  const spy = vi.spyOn(Date, 'now').mockReturnValue(atMs);
  try {
    return new Webhook(secret).verify(req.body, req.headers as Record<string, string>);
  } finally {
    spy.mockRestore();
  }
}

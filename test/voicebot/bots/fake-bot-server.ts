/**
 * A bot on 127.0.0.1 that the test drives: every request is recorded with its
 * headers and JSON body, and answered by the handler the test gives (which may
 * also never answer). `arrived()` resolves when the next request is in.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export type Answer = (req: Seen, res: ServerResponse) => void;

export const json = (value: unknown, status = 200): Answer => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};

export async function fakeBot(answer: Answer) {
  const seen: Seen[] = [];
  const waiters: ((s: Seen) => void)[] = [];
  let handler = answer;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const s: Seen = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
      seen.push(s);
      waiters.splice(0).forEach((w) => w(s));
      handler(s, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    answer: (a: Answer) => void (handler = a),
    arrived: () => new Promise<Seen>((resolve) => waiters.push(resolve)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeBot = Awaited<ReturnType<typeof fakeBot>>;

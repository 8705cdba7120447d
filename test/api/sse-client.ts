/**
 * A minimal Server-Sent Events reader for route tests: opens the stream with
 * node:http, parses `event:`/`data:`/`id:` blocks, and lets a test wait for
 * the next event matching a predicate (by event, never by sleeping).
 */
import { request, type IncomingMessage } from 'node:http';

export interface SseEvent {
  event: string;
  id: string | undefined;
  data: unknown;
}

export interface SseStream {
  status: number;
  headers: IncomingMessage['headers'];
  /** Every event received so far, in order. */
  events: SseEvent[];
  /** The body, when the answer was not a stream (an error). */
  body(): Promise<string>;
  /** Resolves with the first event (received or to come) that matches; rejects after `timeoutMs`. */
  next(match: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the server ends the stream. */
  closed: Promise<void>;
  close(): void;
}

export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const events: SseEvent[] = [];
      const waiters: { match: (e: SseEvent) => boolean; done: (e: SseEvent) => void }[] = [];
      let buffer = '';
      let raw = '';
      res.setEncoding('utf8');
      // A stream the test closes ends with an abort: that is the close, not a failure.
      res.on('error', () => undefined);
      const closed = new Promise<void>((done) => res.once('close', done));
      res.on('data', (chunk: string) => {
        raw += chunk;
        buffer += chunk;
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const e: SseEvent = { event: 'message', id: undefined, data: undefined };
          let data: string | undefined;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const [field, ...rest] = line.split(': ');
            const value = rest.join(': ');
            if (field === 'event') e.event = value;
            else if (field === 'id') e.id = value;
            else if (field === 'data') data = value;
          }
          if (data === undefined) continue;
          e.data = JSON.parse(data) as unknown;
          events.push(e);
          for (const w of waiters.splice(0)) {
            if (w.match(e)) w.done(e);
            else waiters.push(w);
          }
        }
      });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        body: async () => {
          await closed;
          return raw;
        },
        next: (match, timeoutMs = 5000) => {
          const seen = events.find(match);
          if (seen) return Promise.resolve(seen);
          return new Promise((done, fail) => {
            const t = setTimeout(() => fail(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((x) => x.event))}`)), timeoutMs);
            waiters.push({ match, done: (e) => (clearTimeout(t), done(e)) });
          });
        },
        closed,
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

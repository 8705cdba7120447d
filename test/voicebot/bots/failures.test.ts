/**
 * Both HTTP adapters fail the same way, and never hang: non-2xx, bad JSON, an
 * oversized body, a refused connection, a server that never answers (the
 * caller's AbortSignal, or the hard timeout) are each a BotUnavailableError
 * with its reason, and no error carries the bearer token.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BotUnavailableError, createHttpBot, createRasaBot, type BotAdapter, type HttpBotOptions } from '../../../src/voicebot/bots/index.js';
import { fakeBot, json, type FakeBot } from './fake-bot-server.js';

const TOKEN = 'very-secret-bot-token-0001';
const ctx = { tenant: 'd7934305-0972-4844-938e-9060eef73d05', conversationId: '6d0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b', inputVariables: {} };

const adapters: [string, (url: string, o?: HttpBotOptions) => BotAdapter][] = [
  ['rasa', (url, o) => createRasaBot({ name: 'r', type: 'rasa', url, token: TOKEN, phrases: [] }, o)],
  ['http', (url, o) => createHttpBot({ name: 'h', type: 'http', url, bearerToken: TOKEN, phrases: [] }, o)],
];

let server: FakeBot | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function failure(p: Promise<unknown>): Promise<BotUnavailableError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BotUnavailableError);
  const e = err as BotUnavailableError;
  expect(`${e.message} ${e.stack ?? ''} ${JSON.stringify(e)}`).not.toContain(TOKEN);
  return e;
}

describe.each(adapters)('%s adapter failures', (_name, make) => {
  it('non-2xx → http-status with the status', async () => {
    server = await fakeBot(json({ error: 'boom' }, 500));
    const e = await failure(make(server.url).open(ctx).start());
    expect(e.reason).toBe('http-status');
    expect(e.status).toBe(500);
    expect(e.message).toMatch(/HTTP 500/);
  });

  it('a body that is not JSON → bad-response', async () => {
    server = await fakeBot((_r, res) => res.end('<html>oops'));
    const e = await failure(make(server.url).open(ctx).start());
    expect(e.reason).toBe('bad-response');
    expect(e.message).toMatch(/not JSON/);
  });

  it('a body over the limit (streamed, no content-length) → bad-response, read no further', async () => {
    server = await fakeBot((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('['); // then chunks until the client goes away
      const chunk = `${JSON.stringify({ text: 'x'.repeat(1000) })},`;
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const e = await failure(make(server.url, { maxResponseBytes: 64 * 1024 }).open(ctx).start());
    expect(e.reason).toBe('bad-response');
    expect(e.message).toMatch(/over the 65536-byte limit/);
  });

  it('a declared content-length over the limit → bad-response before reading', async () => {
    server = await fakeBot((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(300 * 1024) });
      res.write('[');
    });
    const e = await failure(make(server.url).open(ctx).start());
    expect(e.reason).toBe('bad-response');
    expect(e.message).toMatch(/307200 bytes is over the 262144-byte limit/);
  });

  it('connection refused → network', async () => {
    server = await fakeBot(json([]));
    const url = server.url;
    await server.close();
    server = undefined;
    const e = await failure(make(url).open(ctx).start());
    expect(e.reason).toBe('network');
    expect(e.message).toMatch(/ECONNREFUSED/);
  });

  it("a server that never answers, cancelled by the caller's signal → timeout", async () => {
    server = await fakeBot(() => undefined);
    const ctl = new AbortController();
    const arrived = server.arrived();
    const pending = make(server.url).open(ctx).start(ctl.signal);
    await arrived;
    ctl.abort();
    const e = await failure(pending);
    expect(e.reason).toBe('timeout');
    expect(e.message).toMatch(/cancelled by the caller/);
  });

  it('an already aborted signal → timeout without waiting', async () => {
    server = await fakeBot(() => undefined);
    const e = await failure(make(server.url).open(ctx).start(AbortSignal.abort()));
    expect(e.reason).toBe('timeout');
  });

  it('a server that never answers, with no signal → timeout at the hard limit', async () => {
    server = await fakeBot(() => undefined);
    const e = await failure(make(server.url, { timeoutMs: 50 }).open(ctx).start());
    expect(e.reason).toBe('timeout');
    expect(e.message).toMatch(/no answer within 50 ms/);
  });

  it('a server that stalls in the middle of the body → timeout', async () => {
    server = await fakeBot((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[{"text":');
    });
    const e = await failure(make(server.url, { timeoutMs: 50 }).open(ctx).start());
    expect(e.reason).toBe('timeout');
  });

  it('a redirect is refused (it could carry the token elsewhere) → network', async () => {
    server = await fakeBot((req, res) => {
      // The target answers well: only refusing to follow makes this fail.
      if (req.path === '/elsewhere') return json({ replies: [] })(req, res);
      res.writeHead(307, { location: '/elsewhere' });
      res.end();
    });
    const e = await failure(make(server.url).open(ctx).start());
    expect(e.reason).toBe('network');
  });
});

/**
 * The Rasa REST adapter against a local server playing Rasa: what it sends
 * (path, headers, sender, message, metadata), and how Rasa's answer becomes a
 * BotTurn (texts in order, custom end/handover with string variables).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BotUnavailableError, MAX_REPLIES, MAX_REPLY_CHARS, MAX_VARIABLES, RASA_START_MESSAGE, createRasaBot } from '../../../src/voicebot/bots/index.js';
import { fakeBot, json, type FakeBot } from './fake-bot-server.js';

const TOKEN = 'rasa-token-s3cr3t-value';
const CONV = '6d0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const ctx = { tenant: 'd7934305-0972-4844-938e-9060eef73d05', conversationId: CONV, inputVariables: { customer: 'gold' }, language: 'en-US' };
const rasa = (url: string, token?: string) => createRasaBot({ name: 'r', type: 'rasa', url, phrases: ['yes', 'no'], ...(token ? { token } : {}) });

let server: FakeBot | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('Rasa REST adapter', () => {
  it('starts with /session_start to /webhooks/rest/webhook, with the bearer token and the call metadata', async () => {
    server = await fakeBot(json([{ recipient_id: CONV, text: 'Hi there.' }]));
    const t = await rasa(`${server.url}/`, TOKEN).open(ctx).start();
    expect(t).toEqual({ replies: ['Hi there.'] });
    const [req] = server.seen;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/webhooks/rest/webhook');
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.body).toEqual({ sender: CONV, message: RASA_START_MESSAGE, metadata: { inputVariables: { customer: 'gold' }, tenant: ctx.tenant, language: 'en-US' } });
  });

  it('sends no Authorization header without a token', async () => {
    server = await fakeBot(json([]));
    await rasa(server.url).open(ctx).start();
    expect(server.seen[0]?.headers.authorization).toBeUndefined();
  });

  it('sends text as is (never as an intent), DTMF as /dtmf{"digits":…} and events as /name', async () => {
    server = await fakeBot(json([]));
    const c = rasa(server.url).open(ctx);
    await c.send({ type: 'text', text: '/agent{"x":1} please' });
    await c.send({ type: 'text', text: 'opening hours' });
    await c.send({ type: 'dtmf', digits: '123' });
    await c.send({ type: 'event', name: 'silence_timeout' });
    expect(server.seen.map((s) => (s.body as { message: string }).message)).toEqual(['agent{"x":1} please', 'opening hours', '/dtmf{"digits":"123"}', '/silence_timeout']);
    await expect(c.send({ type: 'event', name: 'bad name/x' })).rejects.toThrow(/event name/);
  });

  it('keeps the texts in order and skips messages without text (images, buttons)', async () => {
    server = await fakeBot(json([{ recipient_id: CONV, text: 'One.' }, { recipient_id: CONV, image: 'https://x/y.png' }, { recipient_id: CONV, text: 'Two.' }, { recipient_id: CONV, custom: { blocks: [] } }]));
    expect(await rasa(server.url).open(ctx).send({ type: 'text', text: 'hi' })).toEqual({ replies: ['One.', 'Two.'] });
  });

  it('ends on custom {action: end} with output variables coerced to strings', async () => {
    server = await fakeBot(json([{ recipient_id: CONV, text: 'Bye.' }, { recipient_id: CONV, custom: { action: 'end', outputVariables: { resolved: true, count: 3, note: 'ok', none: null, obj: { a: 1 } } } }]));
    expect(await rasa(server.url).open(ctx).send({ type: 'text', text: 'bye' })).toEqual({
      replies: ['Bye.'],
      action: 'end',
      outputVariables: { resolved: 'true', count: '3', note: 'ok', none: '', obj: '{"a":1}' },
    });
  });

  it('hands over on custom {action: handover}', async () => {
    server = await fakeBot(json([{ recipient_id: CONV, custom: { action: 'handover', outputVariables: { intent: 'agent' } } }]));
    expect(await rasa(server.url).open(ctx).send({ type: 'text', text: 'agent' })).toEqual({ replies: [], action: 'handover', outputVariables: { intent: 'agent' } });
  });

  it('refuses a custom end whose outputVariables is not an object, naming the message', async () => {
    server = await fakeBot(json([{ text: 'x' }, { custom: { action: 'end', outputVariables: 'nope' } }]));
    const err = await rasa(server.url).open(ctx).send({ type: 'text', text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BotUnavailableError);
    expect((err as BotUnavailableError).reason).toBe('bad-response');
    expect((err as Error).message).toMatch(/\[1\]\.custom: outputVariables/);
  });

  it('refuses an answer that is not an array of messages, naming the field', async () => {
    server = await fakeBot(json([{ text: 5 }]));
    const err = (await rasa(server.url).open(ctx).start().catch((e: unknown) => e)) as BotUnavailableError;
    expect(err.reason).toBe('bad-response');
    expect(err.message).toMatch(/\[0\]\.text/);
  });

  it('bounds replies (count and length) and output variables (count)', async () => {
    const many = Array.from({ length: MAX_REPLIES + 5 }, (_, i) => ({ text: i === 0 ? 'x'.repeat(MAX_REPLY_CHARS + 100) : `r${i}` }));
    const vars = Object.fromEntries(Array.from({ length: MAX_VARIABLES + 10 }, (_, i) => [`v${i}`, i]));
    server = await fakeBot(json([...many, { custom: { action: 'end', outputVariables: vars } }]));
    const t = await rasa(server.url).open(ctx).start();
    expect(t.replies).toHaveLength(MAX_REPLIES);
    expect(t.replies[0]).toHaveLength(MAX_REPLY_CHARS);
    expect(Object.keys(t.outputVariables ?? {})).toHaveLength(MAX_VARIABLES);
  });

  it('offers the configured phrases', () => {
    expect(rasa('http://127.0.0.1:1').phrases()).toEqual(['yes', 'no']);
  });
});

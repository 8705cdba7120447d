/**
 * The generic HTTP bot: what it sends for each kind of turn, and its answer
 * validated as a BotTurn (a wrong one names the field).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BotUnavailableError, HTTP_START_EVENT, createHttpBot } from '../../../src/voicebot/bots/index.js';
import { fakeBot, json, type FakeBot } from './fake-bot-server.js';

const CONV = '6d0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const TENANT = 'd7934305-0972-4844-938e-9060eef73d05';
const ctx = { tenant: TENANT, conversationId: CONV, inputVariables: { vip: 'yes' }, language: 'de-DE' };
const bot = (url: string) => createHttpBot({ name: 'h', type: 'http', url: `${url}/bot/turn?v=1`, bearerToken: 'tok-abcdef', phrases: ['hello'] });

let server: FakeBot | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('generic HTTP bot adapter', () => {
  it('posts each turn to the URL with sender, input variables, language, tenant and the bearer token', async () => {
    server = await fakeBot(json({ replies: ['Hello.'] }));
    const c = bot(server.url).open(ctx);
    expect(await c.start()).toEqual({ replies: ['Hello.'] });
    await c.send({ type: 'text', text: 'hi' });
    await c.send({ type: 'dtmf', digits: '42#' });
    await c.send({ type: 'event', name: 'silence_timeout' });
    const base = { sender: CONV, inputVariables: { vip: 'yes' }, language: 'de-DE', tenant: TENANT };
    expect(server.seen.map((s) => s.body)).toEqual([
      { ...base, event: HTTP_START_EVENT },
      { ...base, message: 'hi' },
      { ...base, dtmf: '42#' },
      { ...base, event: 'silence_timeout' },
    ]);
    expect(server.seen[0]?.path).toBe('/bot/turn?v=1');
    expect(server.seen[0]?.headers.authorization).toBe('Bearer tok-abcdef');
  });

  it('takes action and output variables, coerced to strings; "continue" is no action', async () => {
    server = await fakeBot(json({ replies: ['a', 'b'], action: 'handover', outputVariables: { score: 0.5, ok: false } }));
    expect(await bot(server.url).open(ctx).start()).toEqual({ replies: ['a', 'b'], action: 'handover', outputVariables: { score: '0.5', ok: 'false' } });
    server.answer(json({ replies: ['c'], action: 'continue' }));
    expect(await bot(server.url).open(ctx).start()).toEqual({ replies: ['c'] });
  });

  it.each([
    [{ replies: [1] }, /replies\[0\]/],
    [{ replies: ['x'], action: 'hangup' }, /action/],
    [{ replies: ['x'], outputVariables: ['a'] }, /outputVariables/],
    [['x'], /\(root\)/],
  ])('refuses %j, naming the field', async (answer, field) => {
    server = await fakeBot(json(answer));
    const err = (await bot(server.url).open(ctx).start().catch((e: unknown) => e)) as BotUnavailableError;
    expect(err).toBeInstanceOf(BotUnavailableError);
    expect(err.reason).toBe('bad-response');
    expect(err.message).toMatch(field);
    expect(err.message).toContain('bot "h"');
  });

  it('names the endpoint in errors without its query string', async () => {
    server = await fakeBot(json({}, 503));
    const err = (await bot(server.url).open(ctx).start().catch((e: unknown) => e)) as BotUnavailableError;
    expect(err.message).toContain(`POST ${server.url}/bot/turn: HTTP 503`);
    expect(err.message).not.toContain('v=1');
  });
});

/** The demo bot's script, turn by turn, and its phrases for keyword-mode ASR. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBot, createDemoBot, DEMO_GREETING, DEMO_PHRASES, type BotConversation } from '../../../src/voicebot/bots/index.js';

const ctx = { tenant: 't', conversationId: 'c', inputVariables: {} };
const open = (): BotConversation => createDemoBot().open(ctx);
const say = (c: BotConversation, text: string) => c.send({ type: 'text', text });
const silence = (c: BotConversation) => c.send({ type: 'event', name: 'silence_timeout' });

describe('demo bot', () => {
  it('greets', async () => {
    expect(await open().start()).toEqual({ replies: [DEMO_GREETING] });
    expect(DEMO_GREETING).toBe('Hello, this is the Hookline demo bot. You can ask for opening hours, your order status, or an agent.');
  });

  it('answers opening hours, then order status by keypad, then ends on goodbye', async () => {
    const c = open();
    await c.start();
    const hours = await say(c, 'What are your opening hours?');
    expect(hours.replies[0]).toMatch(/open Monday to Friday/);
    expect(hours.action).toBeUndefined();
    expect((await say(c, 'order status')).replies).toEqual(['Please enter your order number on the keypad, then press the pound key.']);
    const order = await c.send({ type: 'dtmf', digits: '1234' });
    expect(order.replies[0]).toBe('Order 1 2 3 4 is on its way.');
    expect(order.action).toBeUndefined();
    expect(await say(c, 'goodbye')).toEqual({ replies: ['Thank you for calling. Goodbye.'], action: 'end', outputVariables: { intent: 'goodbye', resolved: 'true' } });
  });

  it('DTMF before it asks for an order number is not an order', async () => {
    const c = open();
    expect((await c.send({ type: 'dtmf', digits: '1234' })).replies.join(' ')).not.toMatch(/Order/);
  });

  it('hands over to an agent with intent=agent', async () => {
    expect(await say(open(), 'I want to talk to an agent')).toEqual({ replies: ['Let me transfer you to an agent.'], action: 'handover', outputVariables: { intent: 'agent' } });
  });

  it('hands over after two misses in a row (reason no-match); a match in between resets the count', async () => {
    const c = open();
    expect((await say(c, 'purple elephants')).action).toBeUndefined();
    await say(c, 'opening hours');
    expect((await say(c, 'purple elephants')).action).toBeUndefined();
    expect(await say(c, 'banana')).toMatchObject({ action: 'handover', outputVariables: { reason: 'no-match' } });
  });

  it('asks "Are you still there?" on the first silence and ends on the second (reason no-input)', async () => {
    const c = open();
    expect(await silence(c)).toEqual({ replies: ['Are you still there?'] });
    expect(await silence(c)).toMatchObject({ action: 'end', outputVariables: { reason: 'no-input' } });
  });

  it('any input between silences resets them', async () => {
    const c = open();
    await silence(c);
    await say(c, 'yes');
    expect((await silence(c)).action).toBeUndefined();
  });

  it('keeps state per conversation', async () => {
    const bot = createDemoBot();
    const a = bot.open(ctx);
    const b = bot.open(ctx);
    await say(a, 'order status');
    expect((await b.send({ type: 'dtmf', digits: '99' })).replies.join(' ')).not.toMatch(/Order 9 9/);
    expect((await a.send({ type: 'dtmf', digits: '99' })).replies[0]).toBe('Order 9 9 is on its way.');
  });

  it('ignores other events', async () => {
    expect(await open().send({ type: 'event', name: 'something_else' })).toEqual({ replies: [] });
  });

  it('offers short phrases whose words are all in the CMU dictionary, each understood', async () => {
    expect(createBot({ name: 'demo', type: 'demo' }).phrases()).toBe(DEMO_PHRASES);
    let dict: Set<string> | undefined;
    try {
      dict = new Set(readFileSync('/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict', 'utf8').split('\n').map((l) => l.split(' ')[0] ?? ''));
    } catch {
      dict = undefined; // pocketsphinx-en-us is optional: without it only the "understood" half runs
    }
    for (const p of DEMO_PHRASES) {
      if (dict) for (const w of p.split(' ')) expect(dict.has(w), `${w} in cmudict`).toBe(true);
      const t = await say(open(), p);
      expect(t.replies.join(' ')).not.toMatch(/didn't get that/);
    }
  });
});

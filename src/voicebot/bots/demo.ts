/**
 * The in-process demo bot: offline, deterministic, a few intents found by
 * keywords. It keeps its state (waiting for an order number, misses,
 * silences) in each BotConversation, in memory.
 */
import { turn } from './bounds.js';
import type { BotAdapter, BotConversation, BotInput, BotTurn } from './types.js';

export const DEMO_GREETING = 'Hello, this is the Hookline demo bot. You can ask for opening hours, your order status, or an agent.';
export const DEMO_HOURS = 'We are open Monday to Friday, from nine in the morning to five in the afternoon.';
export const DEMO_ASK_ORDER = 'Please enter your order number on the keypad, then press the pound key.';
export const DEMO_ANYTHING_ELSE = 'Anything else I can help you with?';
export const DEMO_NO_MATCH = "Sorry, I didn't get that. You can ask for opening hours, your order status, or an agent.";
export const DEMO_STILL_THERE = 'Are you still there?';
export const DEMO_TO_AGENT = 'Let me transfer you to an agent.';
export const DEMO_GOODBYE = 'Thank you for calling. Goodbye.';

/**
 * What keyword-mode ASR listens for: the requests whole, as callers say them, and their bare keywords —
 * all common words in the CMU pronouncing dictionary pocketsphinx ships. A grammar of bare keywords
 * forces every sentence onto one of them ("talk to an agent" came out as "opening hours"); with the
 * sentences in it, the recognizer picks the one that was said.
 */
export const DEMO_PHRASES: readonly string[] = Object.freeze([
  'opening hours',
  'what are your opening hours',
  'when are you open',
  'order status',
  'what is my order status',
  'where is my order',
  'agent',
  'talk to an agent',
  'speak to an agent',
  'representative',
  'goodbye',
  'yes',
  'no',
]);

type Intent = 'goodbye' | 'agent' | 'hours' | 'order' | 'yes' | 'no';

/** First match wins: "no, goodbye" is a goodbye, "agent for my order" an agent. */
const INTENTS: readonly [Intent, RegExp][] = [
  ['goodbye', /\b(goodbye|good bye|bye|that's all|that is all)\b/],
  ['agent', /\b(agent|representative|operator|human|person)\b/],
  ['hours', /\b(opening hours|hours|open|opening)\b/],
  ['order', /\b(order status|order|orders|delivery|package)\b/],
  ['yes', /\b(yes|yeah|yep|sure)\b/],
  ['no', /\b(no|nope|nothing)\b/],
];

export function intentOf(text: string): Intent | undefined {
  const t = text.toLowerCase().replace(/[^a-z' ]+/g, ' ').replace(/\s+/g, ' ').trim();
  return INTENTS.find(([, re]) => re.test(t))?.[0];
}

/** "1234" → "1 2 3 4": TTS reads digits one by one, not as a number. */
const spoken = (digits: string): string => digits.split('').join(' ');

class DemoConversation implements BotConversation {
  private awaitingOrder = false;
  private misses = 0;
  private silences = 0;

  async start(): Promise<BotTurn> {
    return turn([DEMO_GREETING]);
  }

  async send(input: BotInput): Promise<BotTurn> {
    if (input.type === 'event') return this.event(input.name);
    this.silences = 0;
    if (input.type === 'dtmf') return this.digits(input.digits);
    return this.text(input.text);
  }

  async close(): Promise<void> {
    this.awaitingOrder = false;
  }

  private event(name: string): BotTurn {
    if (name !== 'silence_timeout') return turn([]);
    this.silences++;
    if (this.silences >= 2) return turn([DEMO_GOODBYE], 'end', { reason: 'no-input' });
    return turn([DEMO_STILL_THERE]);
  }

  private digits(raw: string): BotTurn {
    const digits = raw.replace(/\D/g, '').slice(0, 16);
    if (!this.awaitingOrder || digits === '') return turn([this.awaitingOrder ? DEMO_ASK_ORDER : DEMO_NO_MATCH]);
    this.awaitingOrder = false;
    return turn([`Order ${spoken(digits)} is on its way.`, DEMO_ANYTHING_ELSE]);
  }

  private text(text: string): BotTurn {
    const intent = intentOf(text);
    if (intent === undefined) {
      this.misses++;
      if (this.misses >= 2) return turn([DEMO_TO_AGENT], 'handover', { reason: 'no-match' });
      return turn([this.awaitingOrder ? DEMO_ASK_ORDER : DEMO_NO_MATCH]);
    }
    this.misses = 0;
    switch (intent) {
      case 'goodbye':
      case 'no':
        return turn([DEMO_GOODBYE], 'end', { intent: 'goodbye', resolved: 'true' });
      case 'agent':
        return turn([DEMO_TO_AGENT], 'handover', { intent: 'agent' });
      case 'hours':
        return turn([DEMO_HOURS, DEMO_ANYTHING_ELSE]);
      case 'order':
        this.awaitingOrder = true;
        return turn([DEMO_ASK_ORDER]);
      case 'yes':
        return turn(['What else can I help you with?']);
    }
  }
}

export function createDemoBot(name = 'demo'): BotAdapter {
  return { name, phrases: () => DEMO_PHRASES, open: () => new DemoConversation() };
}

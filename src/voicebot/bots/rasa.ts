/**
 * Rasa's REST channel (rasa.com/docs, "Your Own Website" → REST channels):
 * POST {url}/webhooks/rest/webhook {sender, message, metadata} answers
 * [{recipient_id, text?, custom?, …}]. Texts become replies in order; a
 * `custom: {action: 'end'|'handover', outputVariables}` message ends the
 * session (convention in docs/voicebot-bots.md). Rasa keeps the
 * conversation's state by `sender`, so nothing is kept here.
 */
import { z } from 'zod';
import { turn } from './bounds.js';
import { BotUnavailableError } from './errors.js';
import { DEFAULT_BOT_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES, issuesText, postJson, type HttpBotOptions } from './http-client.js';
import type { BotConfig } from '../../tenants/index.js';
import type { BotAdapter, BotConversation, BotInput, BotSessionContext, BotTurn } from './types.js';

/**
 * The first message of a session. Rasa runs `action_session_start` on it
 * (and Rasa Pro's `pattern_session_start`, which its voice channels rely on
 * to greet), so a bot built for Rasa's own Genesys channel greets the same way.
 */
export const RASA_START_MESSAGE = '/session_start';
/** Digits as an intent with an entity, in Rasa's `/intent{json}` syntax. */
export const rasaDtmfMessage = (digits: string): string => `/dtmf${JSON.stringify({ digits })}`;

type RasaConfig = Extract<BotConfig, { type: 'rasa' }>;

const rasaMessage = z.looseObject({ recipient_id: z.string().optional(), text: z.string().optional(), custom: z.unknown().optional() });
const rasaResponse = z.array(rasaMessage).max(1000);
/** Only a `custom` whose action is ours is read; other custom payloads are for other channels. */
const ending = z.looseObject({ action: z.enum(['end', 'handover']), outputVariables: z.record(z.string(), z.unknown()).optional() });

/** Free text from speech never starts an intent: a leading `/` would make Rasa skip its NLU. */
const plainText = (text: string): string => text.replace(/^[\s/]+/, '');

function rasaMessageFor(input: BotInput): string {
  switch (input.type) {
    case 'text':
      return plainText(input.text);
    case 'dtmf':
      return rasaDtmfMessage(input.digits);
    case 'event':
      if (!/^[A-Za-z0-9_]{1,64}$/.test(input.name)) throw new TypeError(`event name: must be 1–64 letters, digits or _, got ${JSON.stringify(input.name.slice(0, 70))}`);
      return `/${input.name}`;
  }
}

export function toBotTurn(body: unknown, where: string): BotTurn {
  const parsed = rasaResponse.safeParse(body);
  if (!parsed.success) throw new BotUnavailableError('bad-response', `${where}: not a Rasa REST answer: ${issuesText(parsed.error.issues)}`);
  const replies: string[] = [];
  let action: 'end' | 'handover' | undefined;
  let vars: Record<string, unknown> | undefined;
  parsed.data.forEach((m, i) => {
    if (m.text !== undefined && m.text !== '') replies.push(m.text);
    if (m.custom === undefined || typeof m.custom !== 'object' || m.custom === null || !('action' in m.custom)) return;
    const e = ending.safeParse(m.custom);
    if (!e.success) {
      const ours = ['end', 'handover'].includes(String((m.custom as { action: unknown }).action));
      if (ours) throw new BotUnavailableError('bad-response', `${where}: [${i}].custom: ${issuesText(e.error.issues)}`);
      return;
    }
    action = e.data.action;
    if (e.data.outputVariables) vars = { ...vars, ...e.data.outputVariables };
  });
  return turn(replies, action, vars);
}

export function createRasaBot(cfg: RasaConfig, o: HttpBotOptions = {}): BotAdapter {
  const url = `${cfg.url.replace(/\/+$/, '')}/webhooks/rest/webhook`;
  const timeoutMs = o.timeoutMs ?? DEFAULT_BOT_TIMEOUT_MS;
  const maxBytes = o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const phrases = Object.freeze([...cfg.phrases]);
  return {
    name: cfg.name,
    phrases: () => phrases,
    open(ctx: BotSessionContext): BotConversation {
      const metadata = { inputVariables: ctx.inputVariables, tenant: ctx.tenant, ...(ctx.language ? { language: ctx.language } : {}) };
      const say = async (message: string, signal?: AbortSignal): Promise<BotTurn> => {
        const body = await postJson({ url, body: { sender: ctx.conversationId, message, metadata }, bearer: cfg.token, signal, timeoutMs, maxBytes });
        return toBotTurn(body, `bot "${cfg.name}"`);
      };
      return {
        start: (signal) => say(RASA_START_MESSAGE, signal),
        send: async (input, signal) => say(rasaMessageFor(input), signal),
        close: async () => undefined,
      };
    },
  };
}

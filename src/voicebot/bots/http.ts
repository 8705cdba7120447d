/**
 * A generic HTTP bot (docs/voicebot-bots.md): POST {url} with one turn of the
 * caller, {sender, message?|dtmf?|event?, inputVariables, language, tenant},
 * answered with a BotTurn as JSON. The answer is validated; a wrong one is a
 * BotUnavailableError naming the field, never a crash.
 */
import { z } from 'zod';
import { turn } from './bounds.js';
import { BotUnavailableError } from './errors.js';
import { DEFAULT_BOT_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES, issuesText, postJson, type HttpBotOptions } from './http-client.js';
import type { BotConfig } from '../../tenants/index.js';
import type { BotAdapter, BotConversation, BotInput, BotSessionContext, BotTurn } from './types.js';

/** The event a session starts with: the bot answers it with its greeting. */
export const HTTP_START_EVENT = 'session_start';

type HttpConfig = Extract<BotConfig, { type: 'http' }>;

/** `continue` is accepted as "no action" (what the REST channel answers with). */
const httpTurn = z.looseObject({
  replies: z.array(z.string()).max(1000).default([]),
  action: z.enum(['continue', 'end', 'handover']).optional(),
  outputVariables: z.record(z.string(), z.unknown()).optional(),
});

function inputFields(input: BotInput): Record<string, string> {
  switch (input.type) {
    case 'text':
      return { message: input.text };
    case 'dtmf':
      return { dtmf: input.digits };
    case 'event':
      return { event: input.name };
  }
}

export function httpBotTurn(body: unknown, where: string): BotTurn {
  const r = httpTurn.safeParse(body);
  if (!r.success) throw new BotUnavailableError('bad-response', `${where}: ${issuesText(r.error.issues)}`);
  const action = r.data.action === 'continue' ? undefined : r.data.action;
  return turn(r.data.replies, action, r.data.outputVariables);
}

export function createHttpBot(cfg: HttpConfig, o: HttpBotOptions = {}): BotAdapter {
  const timeoutMs = o.timeoutMs ?? DEFAULT_BOT_TIMEOUT_MS;
  const maxBytes = o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const phrases = Object.freeze([...cfg.phrases]);
  return {
    name: cfg.name,
    phrases: () => phrases,
    open(ctx: BotSessionContext): BotConversation {
      const base = { sender: ctx.conversationId, inputVariables: ctx.inputVariables, language: ctx.language ?? '', tenant: ctx.tenant };
      const call = async (fields: Record<string, string>, signal?: AbortSignal): Promise<BotTurn> => {
        const body = await postJson({ url: cfg.url, body: { ...base, ...fields }, bearer: cfg.bearerToken, signal, timeoutMs, maxBytes });
        return httpBotTurn(body, `bot "${cfg.name}"`);
      };
      return {
        start: (signal) => call({ event: HTTP_START_EVENT }, signal),
        send: (input, signal) => call(inputFields(input), signal),
        close: async () => undefined,
      };
    },
  };
}

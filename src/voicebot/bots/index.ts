/** Bots behind one interface (types.ts): the Rasa REST channel, a generic HTTP bot, and the in-process demo bot. */
import { createDemoBot } from './demo.js';
import { createHttpBot } from './http.js';
import { createRasaBot } from './rasa.js';
import type { HttpBotOptions } from './http-client.js';
import type { BotConfig } from '../../tenants/index.js';
import type { BotAdapter } from './types.js';

export type { BotAdapter, BotConversation, BotInput, BotSessionContext, BotTurn } from './types.js';
export { BotUnavailableError, type BotFailure } from './errors.js';
export { DEFAULT_BOT_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES, type HttpBotOptions } from './http-client.js';
export { MAX_REPLIES, MAX_REPLY_CHARS, MAX_VARIABLES, MAX_VARIABLE_NAME_CHARS, MAX_VARIABLE_VALUE_CHARS } from './bounds.js';
export { RASA_START_MESSAGE, createRasaBot, rasaDtmfMessage } from './rasa.js';
export { HTTP_START_EVENT, createHttpBot } from './http.js';
export { DEMO_GREETING, DEMO_PHRASES, createDemoBot } from './demo.js';

export function createBot(cfg: BotConfig, o: HttpBotOptions = {}): BotAdapter {
  switch (cfg.type) {
    case 'demo':
      return createDemoBot(cfg.name);
    case 'rasa':
      return createRasaBot(cfg, o);
    case 'http':
      return createHttpBot(cfg, o);
  }
}

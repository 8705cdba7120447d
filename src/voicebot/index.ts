/**
 * The voice-bot bridge: bots behind one interface (bots/), and the REST
 * channel that lets a Genesys Data Action talk to a tenant's bot.
 */
export * from './bots/index.js';
export { DEFAULT_FALLBACK_TEXT, DEFAULT_IDLE_TTL_MS, DEFAULT_MAX_CONVERSATIONS, DEFAULT_TURN_TIMEOUT_MS, MAX_MESSAGE_CHARS, REST_BODY_LIMIT, REST_NO_INPUT_EVENT, REST_START_EVENT, ConversationPool, botRestBody, botRestResponse, botRestRoute, type BotRestBody, type BotRestDeps, type BotRestResponse } from './rest.js';

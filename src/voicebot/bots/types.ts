/**
 * The bot interface of the voice-bot bridge: text in, replies out, with an
 * optional end or hand-over that carries Architect output variables.
 * Speech never reaches a bot; the bridge does ASR and TTS around it.
 */

/** What the caller did, as a bot sees it. */
export type BotInput =
  | { type: 'text'; text: string; confidence?: number }
  /** Digits the caller pressed (collected until the terminator or the inter-digit timeout). */
  | { type: 'dtmf'; digits: string }
  /** Something the bridge noticed, e.g. `silence_timeout` (like Rasa's `/silence_timeout` intent). */
  | { type: 'event'; name: string };

export interface BotTurn {
  /** Texts to speak, in order (may be empty). */
  replies: string[];
  /** End the bot session after the replies are heard: `end` = done, `handover` = to an agent. */
  action?: 'end' | 'handover';
  /** Strings only: they become the Call Audio Connector action's Outputs in Architect. */
  outputVariables?: Record<string, string>;
}

export interface BotSessionContext {
  tenant: string;
  /** The Genesys conversation id (lower-case UUID): the bot's `sender`. */
  conversationId: string;
  /** Architect Inputs from `open.inputVariables`. */
  inputVariables: Readonly<Record<string, string>>;
  language?: string;
}

/** One conversation with a bot. */
export interface BotConversation {
  /** The first turn (greeting), asked for once when the session starts. */
  start(signal?: AbortSignal): Promise<BotTurn>;
  send(input: BotInput, signal?: AbortSignal): Promise<BotTurn>;
  close(): Promise<void>;
}

export interface BotAdapter {
  readonly name: string;
  /** Phrases the bot understands (for keyword-mode ASR); empty when it takes free text. */
  phrases(): readonly string[];
  open(context: BotSessionContext): BotConversation;
}

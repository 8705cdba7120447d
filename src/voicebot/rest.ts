/**
 * The REST channel for Genesys Data Actions (docs/voicebot-bots.md): an
 * Architect loop (Transcribe → Call Data Action → Play) sends each caller turn
 * to `POST /api/v1/bot/{tenant}/messages` and gets the bot's answer back flat,
 * so an output contract maps it as it is.
 *
 * Requests are stateless, but a BotConversation is not (the demo bot keeps
 * its state in it): conversations are kept per (tenant, sender) in memory,
 * bounded in number and expired when idle. Rasa and HTTP bots keep their own
 * state by `sender`, so any replica can answer them; the demo bot's state is
 * per replica.
 */
import { z } from 'zod';
import { BadRequestError, ForbiddenError, NotFoundError, type RouteSpec } from '../api/index.js';
import type { Logger } from '../platform/logging/index.js';
import type { BotConfig, Tenant } from '../tenants/index.js';
import { BotUnavailableError, createBot, type BotAdapter, type BotConversation, type BotInput, type BotTurn, type HttpBotOptions } from './bots/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuid = z.string().regex(UUID, 'must be a UUID').transform((s) => s.toLowerCase());

/** The event that starts a conversation: the bot answers it with its greeting. */
export const REST_START_EVENT = 'session_start';
/** What an empty turn is (Transcribe heard nothing), like Rasa's `/silence_timeout`. */
export const REST_NO_INPUT_EVENT = 'silence_timeout';
export const MAX_MESSAGE_CHARS = 2000;
export const REST_BODY_LIMIT = 8 * 1024;

export const botRestParams = z.strictObject({ tenant: uuid.describe('The tenant (Genesys organization id)') });

export const botRestBody = z.strictObject({
  sender: uuid.describe('Genesys conversation id (Call.ConversationId): the bot keeps one conversation per sender'),
  message: z.string().max(MAX_MESSAGE_CHARS).optional().describe('What the caller said; empty with no dtmf or event = the caller said nothing (silence_timeout)'),
  dtmf: z.string().regex(/^[0-9*#]{0,64}$/, 'must be up to 64 of 0-9 * #').optional().describe('Digits the caller pressed'),
  event: z.string().regex(/^([A-Za-z0-9_]{1,64})?$/, 'must be up to 64 letters, digits or _').optional().describe(`An event; "${REST_START_EVENT}" starts the conversation with the greeting`),
  language: z.string().max(35).optional().describe('BCP 47 language tag, e.g. en-US'),
});

/** Flat, no nulls: strings, booleans, a string array and a string map (declare the variables your bot sets in the output contract). */
export const botRestResponse = z.object({
  reply: z.string().describe('All replies joined with a space: what Play Audio speaks'),
  replies: z.array(z.string()).describe('The replies, in order'),
  end: z.boolean().describe('The bot is done: end the loop'),
  handover: z.boolean().describe('The bot hands the caller to an agent: end the loop and transfer'),
  action: z.enum(['continue', 'end', 'handover']),
  variables: z.record(z.string(), z.string()).describe('Output variables (strings); empty unless the bot ends or hands over'),
});

export type BotRestBody = z.infer<typeof botRestBody>;
export type BotRestResponse = z.infer<typeof botRestResponse>;

export interface BotRestDeps {
  tenant(orgId: string): Tenant | undefined;
  log?: Logger;
  /** Spoken when the bot fails; the answer then says handover. */
  fallbackText?: string;
  /** Longest wait for one bot turn; keep it below the Data Action's own timeout. */
  turnTimeoutMs?: number;
  maxConversations?: number;
  idleTtlMs?: number;
  now?: () => number;
  /** For tests: how a bot is made from its configuration. */
  createBot?: (cfg: BotConfig, o: HttpBotOptions) => BotAdapter;
}

export const DEFAULT_FALLBACK_TEXT = "Sorry, I can't help with that right now. Let me transfer you.";
export const DEFAULT_TURN_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_CONVERSATIONS = 10_000;
export const DEFAULT_IDLE_TTL_MS = 30 * 60_000;

interface Entry {
  conv: BotConversation;
  bot: BotAdapter;
  at: number;
}

/** Conversations by (tenant, sender): least recently used evicted first, idle ones expired. */
export class ConversationPool {
  private readonly m = new Map<string, Entry>();

  constructor(private readonly max: number, private readonly ttlMs: number, private readonly now: () => number) {}

  get size(): number {
    return this.m.size;
  }

  get(key: string, bot: BotAdapter): BotConversation | undefined {
    const e = this.m.get(key);
    if (!e) return undefined;
    this.m.delete(key);
    if (e.bot !== bot || this.now() - e.at > this.ttlMs) {
      void e.conv.close().catch(() => undefined);
      return undefined;
    }
    e.at = this.now();
    this.m.set(key, e);
    return e.conv;
  }

  put(key: string, bot: BotAdapter, conv: BotConversation): void {
    this.drop(key);
    for (const [k, e] of this.m) {
      if (this.m.size < this.max && this.now() - e.at <= this.ttlMs) break;
      this.drop(k);
    }
    this.m.set(key, { conv, bot, at: this.now() });
  }

  drop(key: string): void {
    const e = this.m.get(key);
    if (!e) return;
    this.m.delete(key);
    void e.conv.close().catch(() => undefined);
  }
}

/** One input from the body; empty strings are absent (a Data Action sends every input, empty or not). */
function inputOf(body: BotRestBody): BotInput | 'start' {
  const given = [body.message ? 'message' : '', body.dtmf ? 'dtmf' : '', body.event ? 'event' : ''].filter(Boolean);
  if (given.length > 1) throw new BadRequestError(`body: give one of message, dtmf or event, got ${given.join(' and ')}`);
  if (body.event === REST_START_EVENT) return 'start';
  if (body.event) return { type: 'event', name: body.event };
  if (body.dtmf) return { type: 'dtmf', digits: body.dtmf };
  if (body.message && body.message.trim() !== '') return { type: 'text', text: body.message };
  return { type: 'event', name: REST_NO_INPUT_EVENT };
}

function answer(t: BotTurn): BotRestResponse {
  const action = t.action ?? 'continue';
  return { reply: t.replies.join(' '), replies: t.replies, end: action === 'end', handover: action === 'handover', action, variables: t.outputVariables ?? {} };
}

/** Adapters per tenant, made again when the tenant's bot configuration changes. */
function adapterCache(make: (cfg: BotConfig, o: HttpBotOptions) => BotAdapter, o: HttpBotOptions) {
  const cache = new Map<string, { key: string; bot: BotAdapter }>();
  return (tenant: string, cfg: BotConfig): BotAdapter => {
    const key = JSON.stringify(cfg);
    const hit = cache.get(tenant);
    if (hit?.key === key) return hit.bot;
    const bot = make(cfg, o);
    cache.set(tenant, { key, bot });
    return bot;
  };
}

export function botRestRoute(d: BotRestDeps): RouteSpec {
  const now = d.now ?? Date.now;
  const turnTimeoutMs = d.turnTimeoutMs ?? DEFAULT_TURN_TIMEOUT_MS;
  const pool = new ConversationPool(d.maxConversations ?? DEFAULT_MAX_CONVERSATIONS, d.idleTtlMs ?? DEFAULT_IDLE_TTL_MS, now);
  const adapter = adapterCache(d.createBot ?? createBot, { timeoutMs: turnTimeoutMs });
  const fallback = d.fallbackText ?? DEFAULT_FALLBACK_TEXT;

  const botOf = (tenant: string): BotAdapter => {
    const v = d.tenant(tenant)?.voicebot;
    const cfg = v?.rest ? v.bots.find((b) => b.name === v.rest?.bot) : undefined;
    if (!cfg) throw new NotFoundError(`no REST channel bot is configured for this tenant (set voicebot.rest.bot)`);
    return adapter(tenant, cfg);
  };

  const turnOf = async (tenant: string, body: BotRestBody, input: BotInput | 'start', bot: BotAdapter): Promise<BotTurn> => {
    const key = `${tenant}:${body.sender}`;
    let conv = input === 'start' ? undefined : pool.get(key, bot);
    if (!conv) {
      conv = bot.open({ tenant, conversationId: body.sender, inputVariables: {}, ...(body.language ? { language: body.language } : {}) });
      pool.put(key, bot, conv);
    }
    try {
      const t = input === 'start' ? await conv.start() : await conv.send(input);
      if (t.action) pool.drop(key);
      return t;
    } catch (err) {
      pool.drop(key);
      throw err;
    }
  };

  return {
    method: 'POST',
    path: '/api/v1/bot/{tenant}/messages',
    operationId: 'botMessage',
    summary: "Genesys Web Services Data Action: one caller turn to the tenant's REST channel bot, its answer flat",
    scope: 'read',
    params: botRestParams,
    body: botRestBody,
    response: botRestResponse,
    handler: async ({ params, body, principal }) => {
      const { tenant } = params as z.infer<typeof botRestParams>;
      const b = body as BotRestBody;
      if (tenant !== principal.tenant) throw new ForbiddenError("this token belongs to another tenant than the path's");
      const input = inputOf(b);
      const bot = botOf(tenant);
      try {
        return answer(await turnOf(tenant, b, input, bot));
      } catch (err) {
        const reason = err instanceof BotUnavailableError ? err.reason : 'error';
        d.log?.warn({ tenant, bot: bot.name, reason, err: err instanceof Error ? err.message : String(err) }, 'REST channel bot failed; answering with the fallback and handover');
        return { reply: fallback, replies: [fallback], end: false, handover: true, action: 'handover', variables: { reason: 'bot-unavailable', failure: reason } };
      }
    },
  } as RouteSpec;
}

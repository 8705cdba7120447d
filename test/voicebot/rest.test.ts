/**
 * The REST channel through Fastify inject: token auth per tenant, bodies
 * validated naming the field, a whole demo-bot conversation, a failing bot
 * answered with the fallback and handover, and the Data Action templates of
 * docs/voicebot-bots.md driving the route as Genesys would.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore, openApiDocument, registerRoutes } from '../../src/api/index.js';
import { openAppDatabase } from '../../src/app/database.js';
import type { Db } from '../../src/platform/db/index.js';
import { voicebotSchema, type Tenant } from '../../src/tenants/index.js';
import { ConversationPool, REST_BODY_LIMIT, botRestResponse, botRestRoute, type BotRestDeps } from '../../src/voicebot/rest.js';
import { createDemoBot, DEMO_GREETING, type BotAdapter } from '../../src/voicebot/bots/index.js';
import { captureLogs } from '../helpers/log-capture.js';
import { tempDir } from '../helpers/tmp.js';
import { fakeBot, json, type FakeBot } from './bots/fake-bot-server.js';

const tmp = tempDir();
const A = randomUUID();
const B = randomUUID();
const NONE = randomUUID();
const RASA_TOKEN = 'rasa-token-never-logged-77';
let db: Db;
let tokens: TokenStore;
let tokenA: string;
let tokenB: string;
let tokenNone: string;
let rasa: FakeBot;

const tenants = new Map<string, Tenant>();
const tenantWith = (voicebot: unknown): Tenant => ({ voicebot: voicebotSchema.parse(voicebot) }) as Tenant;

beforeAll(async () => {
  db = await openAppDatabase(`sqlite:${tmp.dir}/rest.db`);
  tokens = new TokenStore(db);
  tokenA = (await tokens.create(A, 'architect', 'read')).secret;
  tokenB = (await tokens.create(B, 'architect', 'read')).secret;
  tokenNone = (await tokens.create(NONE, 'architect', 'read')).secret;
  rasa = await fakeBot(json({}, 500));
  tenants.set(A, tenantWith({ bots: [{ name: 'demo', type: 'demo' }], rest: { bot: 'demo' } }));
  tenants.set(B, tenantWith({ bots: [{ name: 'down', type: 'rasa', url: rasa.url, token: RASA_TOKEN }], rest: { bot: 'down' } }));
  tenants.set(NONE, tenantWith({ bots: [{ name: 'demo', type: 'demo' }] }));
});

afterAll(async () => {
  await rasa.close();
  await db.close();
  tmp.cleanup();
});

async function app(deps: Partial<BotRestDeps> = {}): Promise<FastifyInstance> {
  const a = Fastify();
  registerRoutes(a, [botRestRoute({ tenant: (id) => tenants.get(id), ...deps })], { tokens, bodyLimit: REST_BODY_LIMIT });
  await a.ready();
  return a;
}

const post = (a: FastifyInstance, tenant: string, token: string | undefined, body: unknown) =>
  a.inject({ method: 'POST', url: `/api/v1/bot/${tenant}/messages`, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, payload: typeof body === 'string' ? body : JSON.stringify(body) });

describe('REST channel: auth and validation', () => {
  it('needs a token (401), a valid one (401), of the tenant in the path (403)', async () => {
    const a = await app();
    try {
      const body = { sender: randomUUID(), event: 'session_start' };
      expect((await post(a, A, undefined, body)).statusCode).toBe(401);
      expect((await post(a, A, `hlk_${'x'.repeat(43)}`, body)).statusCode).toBe(401);
      const other = await post(a, A, tokenB, body);
      expect(other.statusCode).toBe(403);
      expect(other.json().error).toMatch(/another tenant/);
      expect((await post(a, A, tokenA, body)).statusCode).toBe(200);
    } finally {
      await a.close();
    }
  });

  it.each([
    [{ sender: 'not-a-uuid', message: 'hi' }, /body\.sender: must be a UUID/],
    [{ message: 'hi' }, /body\.sender/],
    [{ sender: randomUUID(), message: 'x'.repeat(2001) }, /body\.message/],
    [{ sender: randomUUID(), dtmf: '12a' }, /body\.dtmf/],
    [{ sender: randomUUID(), event: 'bad event' }, /body\.event/],
    [{ sender: randomUUID(), message: 'hi', mood: 'happy' }, /mood/],
    [{ sender: randomUUID(), message: 'hi', dtmf: '1' }, /one of message, dtmf or event, got message and dtmf/],
  ])('refuses %j with 400 naming the field', async (body, error) => {
    const a = await app();
    try {
      const r = await post(a, A, tokenA, body);
      expect(r.statusCode).toBe(400);
      expect(r.json().error).toMatch(error);
    } finally {
      await a.close();
    }
  });

  it('refuses a body over 8 KiB (413)', async () => {
    const a = await app();
    try {
      expect((await post(a, A, tokenA, { sender: randomUUID(), message: 'x'.repeat(9000) })).statusCode).toBe(413);
    } finally {
      await a.close();
    }
  });

  it('answers 404 with a clear message when the tenant has no REST bot', async () => {
    const a = await app();
    try {
      const r = await post(a, NONE, tokenNone, { sender: randomUUID(), event: 'session_start' });
      expect(r.statusCode).toBe(404);
      expect(r.json().error).toBe('no REST channel bot is configured for this tenant (set voicebot.rest.bot)');
    } finally {
      await a.close();
    }
  });
});

describe('REST channel: conversations', () => {
  it('runs a whole demo-bot conversation, one sender, flat answers (sender case does not matter)', async () => {
    const a = await app();
    try {
      const sender = randomUUID();
      const turn = async (body: Record<string, string>) => {
        const r = await post(a, A, tokenA, { sender, ...body });
        expect(r.statusCode).toBe(200);
        return r.json();
      };
      expect(await turn({ event: 'session_start' })).toEqual({ reply: DEMO_GREETING, replies: [DEMO_GREETING], end: false, handover: false, action: 'continue', variables: {} });
      const hours = await turn({ message: 'opening hours' });
      expect(hours.replies).toHaveLength(2);
      expect(hours.reply).toBe(hours.replies.join(' '));
      expect((await post(a, A, tokenA, { sender: sender.toUpperCase(), message: 'order status' })).json().reply).toMatch(/keypad/);
      expect((await turn({ dtmf: '1234' })).replies[0]).toBe('Order 1 2 3 4 is on its way.');
      expect(await turn({ message: 'goodbye', dtmf: '', event: '' })).toEqual({ reply: 'Thank you for calling. Goodbye.', replies: ['Thank you for calling. Goodbye.'], end: true, handover: false, action: 'end', variables: { intent: 'goodbye', resolved: 'true' } });
    } finally {
      await a.close();
    }
  });

  it('treats an empty turn as silence: "Are you still there?", then the end with reason no-input', async () => {
    const a = await app();
    try {
      const sender = randomUUID();
      await post(a, A, tokenA, { sender, event: 'session_start' });
      expect((await post(a, A, tokenA, { sender, message: '', dtmf: '', event: '' })).json().reply).toBe('Are you still there?');
      expect((await post(a, A, tokenA, { sender, message: '   ' })).json()).toMatchObject({ end: true, action: 'end', variables: { reason: 'no-input' } });
    } finally {
      await a.close();
    }
  });

  it('hands over with intent agent', async () => {
    const a = await app();
    try {
      expect((await post(a, A, tokenA, { sender: randomUUID(), message: 'agent please' })).json()).toMatchObject({ handover: true, end: false, action: 'handover', variables: { intent: 'agent' } });
    } finally {
      await a.close();
    }
  });

  it('answers a failing bot with 200, the fallback and handover, and logs it without the bot token', async () => {
    const logs = captureLogs();
    const a = await app({ log: logs.logger, fallbackText: 'Sorry, transferring you.' });
    try {
      const r = await post(a, B, tokenB, { sender: randomUUID(), message: 'hello' });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual({ reply: 'Sorry, transferring you.', replies: ['Sorry, transferring you.'], end: false, handover: true, action: 'handover', variables: { reason: 'bot-unavailable', failure: 'http-status' } });
      expect(rasa.seen.at(-1)?.headers.authorization).toBe(`Bearer ${RASA_TOKEN}`);
      expect(logs.text()).toMatch(/REST channel bot failed/);
      expect(logs.text()).not.toContain(RASA_TOKEN);
    } finally {
      await a.close();
    }
  });
});

describe('REST channel: conversation lifetime', () => {
  it('keeps one conversation per sender until the bot ends or hands over, then opens a new one', async () => {
    const opened: string[] = [];
    const actions: ('end' | 'handover' | undefined)[] = [undefined, 'handover', undefined];
    const stub = (): BotAdapter => ({
      name: 'stub',
      phrases: () => [],
      open: (c) => {
        opened.push(c.conversationId);
        return { start: async () => ({ replies: ['hi'] }), send: async () => { const action = actions.shift(); return { replies: ['ok'], ...(action ? { action } : {}) }; }, close: async () => undefined };
      },
    });
    const a = await app({ createBot: stub });
    try {
      const sender = randomUUID();
      await post(a, A, tokenA, { sender, message: 'one' });
      await post(a, A, tokenA, { sender, message: 'two' }); // hands over: the conversation is dropped
      expect(opened).toEqual([sender]);
      await post(a, A, tokenA, { sender, message: 'three' });
      expect(opened).toEqual([sender, sender]);
    } finally {
      await a.close();
    }
  });
});

describe('conversation pool', () => {
  const conv = () => createDemoBot().open({ tenant: 't', conversationId: 'c', inputVariables: {} });

  it('evicts the least recently used beyond its size', () => {
    const bot = createDemoBot();
    const pool = new ConversationPool(2, 60_000, () => 0);
    const [c1, c2, c3] = [conv(), conv(), conv()];
    pool.put('a', bot, c1);
    pool.put('b', bot, c2);
    expect(pool.get('a', bot)).toBe(c1); // a is now the most recent
    pool.put('c', bot, c3);
    expect(pool.size).toBe(2);
    expect(pool.get('b', bot)).toBeUndefined();
    expect(pool.get('a', bot)).toBe(c1);
    expect(pool.get('c', bot)).toBe(c3);
  });

  it('expires a conversation idle longer than the TTL, and one of another bot', () => {
    let now = 0;
    const bot = createDemoBot();
    const pool = new ConversationPool(10, 1000, () => now);
    const c = conv();
    pool.put('a', bot, c);
    now = 900;
    expect(pool.get('a', bot)).toBe(c);
    now = 1800; // 1800 ms since put, but only 900 idle: each use restarts the TTL
    expect(pool.get('a', bot)).toBe(c);
    now = 2801;
    expect(pool.get('a', bot)).toBeUndefined();
    pool.put('b', bot, c);
    expect(pool.get('b', createDemoBot())).toBeUndefined();
  });
});

/** The fenced JSON block after `<!-- data-action: name -->` in the doc. */
function docBlock(name: string): Record<string, unknown> {
  const doc = readFileSync(new URL('../../docs/voicebot-bots.md', import.meta.url), 'utf8');
  const m = new RegExp(`<!-- data-action: ${name} -->\\s*\`\`\`json\\n([\\s\\S]*?)\`\`\``).exec(doc);
  if (!m?.[1]) throw new Error(`no data-action ${name} block in docs/voicebot-bots.md`);
  return JSON.parse(m[1]) as Record<string, unknown>;
}

/** What Genesys's Velocity does with our templates: `$esc.jsonString(${input.x})` escapes, `${input.x}` pastes. */
function render(template: string, input: Record<string, string>, token: string): string {
  return template
    .replace(/\$esc\.jsonString\(\$\{input\.(\w+)\}\)/g, (_m, k: string) => JSON.stringify(input[k] ?? '').slice(1, -1))
    .replace(/\$\{input\.(\w+)\}/g, (_m, k: string) => input[k] ?? '')
    .replace('${credentials.token}', token);
}

describe('Data Action templates (docs/voicebot-bots.md)', () => {
  it('parse, and their request drives the route through a conversation, quotes in speech included', async () => {
    const req = docBlock('request') as { requestUrlTemplate: string; requestType: string; headers: Record<string, string>; requestTemplate: string };
    expect(docBlock('response')).toEqual({ translationMap: {}, translationMapDefaults: {}, successTemplate: '${rawResult}' });
    const input = docBlock('input') as { required: string[]; properties: Record<string, unknown> };
    expect(input.required.sort()).toEqual(Object.keys(input.properties).sort());
    const a = await app();
    try {
      const conversationId = randomUUID();
      const call = async (values: Record<string, string>) => {
        const all = { conversationId, message: '', dtmf: '', event: '', ...values };
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, render(v, all, tokenA)]));
        const url = new URL(req.requestUrlTemplate.replace('<orgId>', A)).pathname;
        const r = await a.inject({ method: req.requestType as 'POST', url, headers, payload: render(req.requestTemplate, all, tokenA) });
        expect(r.statusCode, r.body).toBe(200);
        return r.json();
      };
      expect((await call({ event: 'session_start' })).reply).toBe(DEMO_GREETING);
      expect((await call({ message: 'he said "opening hours" \\ ok' })).reply).toMatch(/open Monday/);
      expect((await call({ message: 'order status' })).reply).toMatch(/keypad/);
      expect((await call({ dtmf: '42' })).replies[0]).toBe('Order 4 2 is on its way.');
      const last = await call({ message: 'goodbye' });
      const validate = new Ajv2020({ strict: false }).compile(docBlock('output'));
      expect(validate(last)).toBe(true);
    } finally {
      await a.close();
    }
  });

  it("the output contract matches the route's response schema in the OpenAPI document, field by field", () => {
    const route = botRestRoute({ tenant: () => undefined });
    const doc = openApiDocument([route], 'test') as { paths: Record<string, { post: { responses: Record<string, { content: Record<string, { schema: Json }> }> } }> };
    const schema = doc.paths['/api/v1/bot/{tenant}/messages']?.post.responses['200']?.content['application/json']?.schema as Json;
    const contract = docBlock('output') as Json;
    const props = schema.properties as Record<string, Json>;
    const declared = contract.properties as Record<string, Json>;
    // Every field the route answers is in the contract, with the same type.
    expect(Object.keys(declared).sort()).toEqual(Object.keys(props).sort());
    for (const [k, p] of Object.entries(props)) expect(declared[k]?.type, k).toBe(p.type);
    expect((declared.replies?.items as Json).type).toBe((props.replies?.items as Json).type);
    // Declared variables are strings, as the route's map of strings holds.
    const valueType = (props.variables?.additionalProperties as Json).type;
    for (const v of Object.values(declared.variables?.properties as Record<string, Json>)) expect(v.type).toBe(valueType);
    // And a response the schema allows is valid against the contract.
    const sample = botRestResponse.parse({ reply: 'a b', replies: ['a', 'b'], end: false, handover: true, action: 'handover', variables: { reason: 'x' } });
    expect(new Ajv2020({ strict: false }).compile(contract)(sample)).toBe(true);
  });
});

type Json = Record<string, unknown>;

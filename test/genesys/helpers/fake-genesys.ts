/**
 * A loopback stand-in for the Genesys login and API hosts, for scripting
 * failure modes precisely (it is not the emulator). Tokens expire on the
 * test's virtual clock; handlers are registered per method + path pattern.
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Clock } from '../../../src/genesys/index.js';

export interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The raw query string, for repeated keys. */
  search: string;
  at: number;
  token: string | undefined;
  body: unknown;
}

export type Handler = (req: FastifyRequest, reply: FastifyReply, call: number) => unknown;

export interface BudgetRule {
  allowed: number;
  windowMs: number;
  /** How a 429 tells the client when to come back. */
  hint: 'retry-after' | 'reset-only' | 'none';
}

const notFound = { message: 'The requested resource was not found.', code: 'not.found', status: 404 };

export class FakeGenesys {
  readonly app = Fastify({ exposeHeadRoutes: false });
  url = '';
  readonly requests: Recorded[] = [];
  tokenRequests = 0;
  tokenLifetimeSec = 86_400;
  readonly clientId = 'client-id';
  readonly clientSecret = 'client-secret-DO-NOT-LOG';
  private issued = new Map<string, number>();
  private revoked = new Set<string>();
  private tokenGate: Promise<void> | undefined;
  private routes: { method: string; pattern: string[]; handler: Handler; calls: number }[] = [];
  private budget: (BudgetRule & { windowStart: number; count: number }) | undefined;
  /** Responses sent with status 429. */
  rejected429 = 0;
  private waiters: { cond: () => boolean; resolve: () => void }[] = [];
  /** Handler for `/media/*`. */
  media: Handler | undefined;
  readonly mediaRequests: { path: string; authorization: string | undefined }[] = [];

  constructor(readonly clock: Clock) {
    this.app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    for (const prefix of ['/login', '/auth']) this.app.post(`${prefix}/oauth/token`, (req, reply) => this.token(req, reply));
    this.app.all('/api/v2/*', (req, reply) => this.dispatch(req, reply));
    // Pre-signed media URLs: no bearer token expected, not an API call.
    this.app.get('/media/*', (req, reply) => {
      this.mediaRequests.push({ path: req.url, authorization: req.headers.authorization });
      return this.media ? this.media(req, reply, this.mediaRequests.length) : reply.code(404).send();
    });
  }

  async start(): Promise<this> {
    await this.app.listen({ host: '127.0.0.1', port: 0 });
    const addr = this.app.server.address();
    if (!addr || typeof addr === 'string') throw new Error('no address');
    this.url = `http://127.0.0.1:${addr.port}`;
    return this;
  }

  close(): Promise<void> {
    return this.app.close();
  }

  config(over: Record<string, unknown> = {}) {
    return { clientId: this.clientId, clientSecret: this.clientSecret, region: 'mypurecloud.com', apiUrl: this.url, ...over };
  }

  /** Registers a handler; `:x` segments match anything. The return value is sent as JSON. */
  on(method: string, path: string, handler: Handler): void {
    this.routes.unshift({ method, pattern: path.split('/'), handler, calls: 0 });
  }

  revoke(token: string): void {
    this.revoked.add(token);
  }

  get tokens(): string[] {
    return [...this.issued.keys()];
  }

  /** Holds every token response until the returned function is called. */
  holdTokens(): () => void {
    let release!: () => void;
    this.tokenGate = new Promise((r) => (release = r));
    return () => {
      this.tokenGate = undefined;
      release();
    };
  }

  /** Enforces a fixed-window request budget on /api/v2 with inin-ratelimit-* headers. */
  enforceBudget(rule: BudgetRule): void {
    this.budget = { ...rule, windowStart: this.clock.now(), count: 0 };
  }

  /** Resolves once `cond` holds, re-checked after every request that arrives. */
  until(cond: () => boolean): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ cond, resolve }));
  }

  notify(): void {
    this.waiters = this.waiters.filter((w) => (w.cond() ? (w.resolve(), false) : true));
  }

  /** API requests (not token requests) matching a path prefix. */
  calls(method: string, pathPrefix: string): Recorded[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
  }

  private async token(req: FastifyRequest, reply: FastifyReply) {
    this.tokenRequests++;
    this.notify();
    if (this.tokenGate) await this.tokenGate;
    const expected = `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`;
    if (req.headers.authorization !== expected || req.body !== 'grant_type=client_credentials') {
      return reply.code(401).send({ error: 'invalid_client', description: 'bad client', error_description: 'bad client' });
    }
    const token = `tok-${this.issued.size + 1}`;
    this.issued.set(token, this.clock.now() + this.tokenLifetimeSec * 1000);
    return { access_token: token, token_type: 'bearer', expires_in: this.tokenLifetimeSec };
  }

  private async dispatch(req: FastifyRequest, reply: FastifyReply) {
    const url = new URL(req.url, 'http://x');
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    this.requests.push({ method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), search: url.search, at: this.clock.now(), token, body: req.body });
    this.notify();
    const expiry = token ? this.issued.get(token) : undefined;
    if (!token || expiry === undefined || expiry <= this.clock.now() || this.revoked.has(token)) {
      return reply.code(401).send({ message: 'Invalid login credentials.', code: 'bad.credentials', status: 401 });
    }
    if (this.overBudget(reply)) return reply;
    reply.header('inin-correlation-id', `corr-${this.requests.length}`);
    const route = this.routes.find((r) => r.method === req.method && matches(r.pattern, url.pathname));
    if (!route) return reply.code(404).send(notFound);
    const result = await route.handler(req, reply, ++route.calls);
    if (reply.sent) return reply;
    return reply.send(result);
  }

  private overBudget(reply: FastifyReply): boolean {
    const b = this.budget;
    if (!b) return false;
    const now = this.clock.now();
    if (now >= b.windowStart + b.windowMs) {
      b.windowStart = now - ((now - b.windowStart) % b.windowMs);
      b.count = 0;
    }
    const resetSec = Math.max(1, Math.ceil((b.windowStart + b.windowMs - now) / 1000));
    reply.header('inin-ratelimit-allowed', String(b.allowed)).header('inin-ratelimit-reset', String(resetSec));
    if (b.count >= b.allowed) {
      this.rejected429++;
      if (b.hint === 'none') reply.removeHeader('inin-ratelimit-reset');
      if (b.hint === 'retry-after') reply.header('retry-after', String(resetSec));
      reply.header('inin-ratelimit-count', String(b.count));
      reply.code(429).send({ message: `Rate limit exceeded the maximum [${b.allowed}] requests within [60] seconds`, code: 'too.many.requests.retry.after', status: 429 });
      return true;
    }
    b.count++;
    reply.header('inin-ratelimit-count', String(b.count));
    return false;
  }
}

function matches(pattern: string[], path: string): boolean {
  const parts = path.split('/');
  return parts.length === pattern.length && pattern.every((p, i) => p.startsWith(':') || p === parts[i]);
}

export async function startFake(clock: Clock): Promise<FakeGenesys> {
  return new FakeGenesys(clock).start();
}

/**
 * `state: memory` across the workers of `server.workers` (Node's cluster): the
 * primary holds the one LocalStore (StateHost) and each worker reaches it over
 * the IPC channel Node opens between them (RemoteStore): a request id per call,
 * one reply; a worker's subscription is a subscription in the primary whose
 * messages the primary forwards to that worker. The IPC channel keeps message
 * order, so a reply never overtakes a message published before it.
 * (Node.js docs, "Cluster" and "Child process: subprocess.send()".)
 */
import type { Logger } from '../logging/index.js';
import type { IpcLink } from '../util/ipc-link.js';
import { LocalStore, type MemoryStore } from './memory-state.js';
import { StateError, assertTtl, deliver, type MessageHandler, type Unsubscribe } from './state.js';

const TAG = 'hookline-state';

type Op = 'acquireLease' | 'releaseLease' | 'publish' | 'set' | 'setIfAbsent' | 'get' | 'list' | 'delete' | 'subscribe' | 'unsubscribe';

interface Request {
  t: typeof TAG;
  id: number;
  op: Op;
  args: (string | number)[];
}
type Reply = { t: typeof TAG; id: number; ok: true; value: unknown } | { t: typeof TAG; id: number; ok: false; error: string };
interface Delivery {
  t: typeof TAG;
  sub: number;
  message: string;
}

const isTagged = (m: unknown): m is { t: string } => typeof m === 'object' && m !== null && (m as { t?: unknown }).t === TAG;

/** The primary's side: one LocalStore, served to every attached worker. */
export class StateHost {
  private readonly store: LocalStore;

  constructor(private readonly logger: Logger) {
    this.store = new LocalStore(logger);
  }

  /** Serves `link` until the returned function is called (the worker exited): its subscriptions end then. */
  attach(link: IpcLink): () => void {
    const subscriptions = new Map<number, Promise<Unsubscribe>>();
    const off = link.onMessage((m) => {
      if (isTagged(m) && 'op' in m) void this.serve(link, m as Request, subscriptions);
    });
    return () => {
      off();
      for (const sub of subscriptions.values()) void sub.then((stop) => stop());
      subscriptions.clear();
    };
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private async serve(link: IpcLink, req: Request, subscriptions: Map<number, Promise<Unsubscribe>>): Promise<void> {
    let reply: Reply;
    try {
      reply = { t: TAG, id: req.id, ok: true, value: await this.run(link, req, subscriptions) };
    } catch (err) {
      reply = { t: TAG, id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    if (link.connected()) link.send(reply);
  }

  private async run(link: IpcLink, { op, args }: Request, subscriptions: Map<number, Promise<Unsubscribe>>): Promise<unknown> {
    const s = this.store;
    const [a, b, c] = args as [string, string, number];
    switch (op) {
      case 'acquireLease':
        return s.acquireLease(a, b, c);
      case 'releaseLease':
        return s.releaseLease(a, b);
      case 'publish':
        return s.publish(a, b);
      case 'set':
        return s.set(a, b, c);
      case 'setIfAbsent':
        return s.setIfAbsent(a, b, c);
      case 'get':
        return s.get(a);
      case 'list':
        return [...(await s.list(a))];
      case 'delete':
        return s.delete(a);
      case 'subscribe': {
        const sub = args[1] as number;
        const stop = s.subscribe(a, (message) => {
          if (link.connected()) link.send({ t: TAG, sub, message } satisfies Delivery);
        });
        subscriptions.set(sub, stop);
        await stop;
        return undefined;
      }
      case 'unsubscribe': {
        const sub = args[0] as number;
        const stop = subscriptions.get(sub);
        subscriptions.delete(sub);
        if (stop) await (await stop)();
        return undefined;
      }
      default:
        throw new StateError(`unknown shared-state operation ${String(op)}`);
    }
  }
}

/** A worker's side: every operation is a request to the primary's StateHost. */
export class RemoteStore implements MemoryStore {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly handlers = new Map<number, MessageHandler>();
  private readonly channels = new Map<number, string>();
  private readonly off: () => void;

  /** `timeoutMs`: a request with no reply by then rejects (the primary gone), like a Redis command timeout. */
  constructor(
    private readonly link: IpcLink,
    private readonly logger: Logger,
    private readonly timeoutMs = 5000,
  ) {
    this.off = link.onMessage((m) => {
      if (isTagged(m)) this.receive(m as Reply | Delivery);
    });
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs);
    return (await this.request('acquireLease', [name, owner, ttlMs])) as boolean;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.request('releaseLease', [name, owner]);
  }

  async publish(channel: string, message: string): Promise<number> {
    return (await this.request('publish', [channel, message])) as number;
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe> {
    const sub = this.nextId++;
    this.handlers.set(sub, handler);
    this.channels.set(sub, channel);
    try {
      await this.request('subscribe', [channel, sub]);
    } catch (err) {
      this.forget(sub);
      throw err;
    }
    return async () => {
      if (!this.forget(sub)) return;
      await this.request('unsubscribe', [sub]);
    };
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    await this.request('set', [key, value, ttlMs]);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs);
    return (await this.request('setIfAbsent', [key, value, ttlMs])) as boolean;
  }

  async get(key: string): Promise<string | undefined> {
    // undefined does not survive IPC's JSON: an absent key comes back as null.
    return ((await this.request('get', [key])) as string | null | undefined) ?? undefined;
  }

  async list(prefix: string): Promise<Map<string, string>> {
    return new Map((await this.request('list', [prefix])) as [string, string][]);
  }

  async delete(key: string): Promise<void> {
    await this.request('delete', [key]);
  }

  async check(): Promise<void> {
    if (!this.link.connected()) throw new StateError('the cluster primary holding the shared state is unreachable');
  }

  /** Ends this worker's subscriptions in the primary; the primary's maps stay for the other workers. */
  async close(): Promise<void> {
    const subs = [...this.handlers.keys()];
    for (const sub of subs) this.forget(sub);
    if (this.link.connected()) await Promise.all(subs.map((sub) => this.request('unsubscribe', [sub]).catch(() => undefined)));
    this.off();
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new StateError('shared state closed'));
      this.pending.delete(id);
    }
  }

  private forget(sub: number): boolean {
    this.channels.delete(sub);
    return this.handlers.delete(sub);
  }

  private request(op: Op, args: (string | number)[]): Promise<unknown> {
    if (!this.link.connected()) return Promise.reject(new StateError('the cluster primary holding the shared state is unreachable'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new StateError(`shared state: no reply from the cluster primary to ${op} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.link.send({ t: TAG, id, op, args } satisfies Request);
    });
  }

  private receive(m: Reply | Delivery): void {
    if ('sub' in m) {
      const handler = this.handlers.get(m.sub);
      if (handler) deliver(handler, m.message, this.channels.get(m.sub) ?? '', this.logger);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m.value);
    else p.reject(new StateError(m.error));
  }
}

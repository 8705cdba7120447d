/**
 * The live channels of a tenant on shared state (memory or Redis pub/sub, so
 * any replica's messages reach any replica's streams), and what this replica
 * does with them: one shared-state subscription per channel while at least one
 * stream listens here, fanned out to the streams in process; a bounded number
 * of publishes in flight (a slow Redis drops live updates, counted, rather
 * than queueing them without end); a cap on concurrent streams per principal.
 */
import type { Logger } from '../platform/logging/index.js';
import type { SharedState, Unsubscribe } from '../platform/state/index.js';
import { errorMessage } from '../platform/util/error-message.js';

/** Committed common events of one tenant (JSON of a CommonEvent). Ids are lower case everywhere. */
export const eventsChannel = (tenant: string): string => `live-events:${tenant.toLowerCase()}`;
/** Live-call changes of one tenant (JSON of a LiveCallMessage, live-calls.ts). */
export const callsChannel = (tenant: string): string => `live-calls:${tenant.toLowerCase()}`;

type Listener = (message: string) => void;

interface Channel {
  listeners: Set<Listener>;
  subscribed: Promise<Unsubscribe | undefined>;
}

export class ChannelHub {
  private readonly channels = new Map<string, Channel>();

  constructor(private readonly state: SharedState, private readonly log: Logger) {}

  /** Resolves once the channel is subscribed (messages published after that reach `listener`); returns the way out. */
  async listen(channel: string, listener: Listener): Promise<() => void> {
    let entry = this.channels.get(channel);
    if (!entry) {
      const created: Channel = { listeners: new Set(), subscribed: Promise.resolve(undefined) };
      created.subscribed = this.state
        .subscribe(channel, (m) => {
          for (const l of created.listeners) l(m);
        })
        .catch((err: unknown) => {
          this.log.warn({ err: errorMessage(err) }, 'live channel not subscribed');
          if (this.channels.get(channel) === created) this.channels.delete(channel);
          return undefined;
        });
      this.channels.set(channel, created);
      entry = created;
    }
    const held = entry;
    held.listeners.add(listener);
    await held.subscribed;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      held.listeners.delete(listener);
      if (held.listeners.size > 0) return;
      if (this.channels.get(channel) === held) this.channels.delete(channel);
      void held.subscribed.then((unsubscribe) => unsubscribe?.()).catch((err: unknown) => this.log.debug({ err: errorMessage(err) }, 'live channel not unsubscribed'));
    };
  }

  /** Channels this replica listens on now (tests: a closed stream leaves none behind). */
  get size(): number {
    return this.channels.size;
  }
}

/**
 * Fire-and-forget writes to shared state (publishes, and the meters' short-lived keys) with a bound on
 * those in flight; over it, the write is dropped and counted. Live updates are superseded within a
 * second, so a dropped one costs a stale meter, never a blocked audio path.
 */
export class BoundedPublisher {
  private inFlight = 0;

  constructor(
    private readonly state: SharedState,
    private readonly log: Logger,
    private readonly maxInFlight: number,
    private readonly onDrop: () => void = () => undefined,
  ) {}

  publish(channel: string, message: string): void {
    this.run(() => this.state.publish(channel, message));
  }

  set(key: string, value: string, ttlMs: number): void {
    this.run(() => this.state.set(key, value, ttlMs));
  }

  delete(key: string): void {
    this.run(() => this.state.delete(key));
  }

  private run(write: () => Promise<unknown>): void {
    if (this.inFlight >= this.maxInFlight) {
      this.onDrop();
      return;
    }
    this.inFlight++;
    write()
      .catch((err: unknown) => {
        this.onDrop();
        this.log.debug({ err: errorMessage(err) }, 'live update not written');
      })
      .finally(() => this.inFlight--);
  }
}

/** At most `max` open streams per key (principal and tenant); `acquire` answers the release, or undefined when full. */
export class StreamLimiter {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  acquire(key: string): (() => void) | undefined {
    const n = this.open.get(key) ?? 0;
    if (n >= this.max) return undefined;
    this.open.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left <= 0) this.open.delete(key);
      else this.open.set(key, left);
    };
  }
}

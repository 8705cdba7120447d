/**
 * The bench:capture children's messages (messages.ts), typed, over the
 * shared Inbox; a message that never comes is `undefined`, not an error.
 */
import type { ChildProcess } from 'node:child_process';
import { Inbox, type Message } from './inbox.js';
import type { ChildMessage } from './messages.js';

type Type = ChildMessage['type'];
type Of<T extends Type> = Extract<ChildMessage, { type: T }>;

export class Mailbox {
  private readonly inbox: Inbox;

  constructor(child: ChildProcess) {
    this.inbox = new Inbox(child);
  }

  /** The next message of `type`, or undefined after `timeoutMs` or when the child exits first. */
  next<T extends Type>(type: T, timeoutMs: number): Promise<Of<T> | undefined> {
    const m = this.inbox.next<Message>(type, timeoutMs) as Promise<unknown> as Promise<Of<T>>;
    return m.catch(() => undefined);
  }
}

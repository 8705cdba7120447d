/**
 * IPC with a bench child: messages are kept until asked for, so a reply that
 * arrives before the parent starts waiting is not lost. Messages are plain
 * objects with a `type`.
 */
import type { ChildProcess } from 'node:child_process';

export interface Message {
  type: string;
}

export class Inbox {
  private readonly inbox: Message[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(private readonly child: ChildProcess) {
    child.on('message', (m: Message) => {
      this.inbox.push(m);
      this.wake();
    });
    child.on('exit', () => this.wake());
  }

  /** The next message of `type`; rejects after `timeoutMs` or when the child exits first. */
  next<T extends Message>(type: T['type'], timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const finish = (err: Error | undefined, m?: Message) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (err) reject(err);
        else resolve(m as T);
      };
      const check = () => {
        const i = this.inbox.findIndex((m) => m.type === type);
        if (i >= 0) return finish(undefined, this.inbox.splice(i, 1)[0]);
        if (this.child.exitCode !== null || this.child.signalCode !== null) finish(new Error(`child exited before sending '${type}'`));
      };
      const timer = setTimeout(() => finish(new Error(`no '${type}' from the child within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Sends a request and waits for the reply of `replyType`. */
  ask<T extends Message>(request: Message, replyType: T['type'], timeoutMs = 10_000): Promise<T> {
    this.child.send(request);
    return this.next<T>(replyType, timeoutMs);
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

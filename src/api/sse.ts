/**
 * One Server-Sent Events client: the `text/event-stream` wire format
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation),
 * a heartbeat comment so proxies and the browser keep an idle stream open,
 * and a bound on what waits for a slow reader: past `maxBufferedBytes` queued
 * in the socket the client is disconnected, never buffered without end (the
 * browser's EventSource reconnects by itself and starts again from a fresh
 * snapshot).
 */

/** What an SSE client writes to: the response's socket side (Node's ServerResponse, or a fake in tests). */
export interface SseOutput {
  write(chunk: string): boolean;
  readonly writableLength: number;
  readonly destroyed: boolean;
  destroy(): void;
}

export interface SseOptions {
  /** A comment line this often (ms), so an idle stream is not cut by an intermediary. */
  heartbeatMs: number;
  /** Queued bytes beyond which the client is cut. */
  maxBufferedBytes: number;
  /** Called once when the client is cut for being slow (counted by the caller). */
  onSlow?: () => void;
}

export const SSE_HEARTBEAT_MS = 15_000;
export const SSE_MAX_BUFFERED_BYTES = 256 * 1024;

/** `data:` lines may not hold a newline: JSON.stringify never emits one, so one line suffices. */
export function formatEvent(event: string, data: unknown, id?: string): string {
  const head = id === undefined ? '' : `id: ${id.replace(/[\r\n]/g, '')}\n`;
  return `${head}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class SseClient {
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private readonly closers: (() => void)[] = [];

  constructor(private readonly out: SseOutput, private readonly o: SseOptions) {
    this.timer = setInterval(() => this.write(': heartbeat\n\n'), o.heartbeatMs);
    this.timer.unref();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends one event; false when the client is gone (or was just cut for being slow). */
  send(event: string, data: unknown, id?: string): boolean {
    return this.write(formatEvent(event, data, id));
  }

  /** Runs `f` once, when the client goes (it disconnected, was cut, or the server closed it). */
  onClose(f: () => void): void {
    if (this.closed) f();
    else this.closers.push(f);
  }

  /** The socket closed, or the server ends the stream. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    if (!this.out.destroyed) this.out.destroy();
    for (const f of this.closers.splice(0)) f();
  }

  private write(chunk: string): boolean {
    if (this.closed) return false;
    if (this.out.destroyed) {
      this.close();
      return false;
    }
    // A reader that has not taken what is already queued gets no more: cut it rather than buffer.
    if (this.out.writableLength + chunk.length > this.o.maxBufferedBytes) {
      this.o.onSlow?.();
      this.close();
      return false;
    }
    this.out.write(chunk);
    return true;
  }
}

/**
 * The one writer of a session's socket: text (from the protocol core, which
 * numbers it as it is produced) and audio go out in the order they are
 * written, from one place, so seq/clientseq can never race. A client that
 * stops reading is cut off instead of growing our memory.
 */
import type { WebSocket } from 'ws';

export class SessionWriter {
  constructor(private readonly ws: WebSocket, private readonly maxBufferedBytes: number) {}

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  text(text: string): void {
    this.write(text);
  }

  binary(data: Uint8Array): boolean {
    return this.write(data);
  }

  close(code = 1000): void {
    if (this.open) this.ws.close(code);
  }

  private write(data: string | Uint8Array): boolean {
    if (!this.open) return false;
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.ws.terminate();
      return false;
    }
    this.ws.send(data);
    return true;
  }
}

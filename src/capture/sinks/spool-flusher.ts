/**
 * Batches the recorder's spool writes. Each spool file is corked once it is
 * open, and one shared timer uncorks them all every FLUSH_MS, so the frames
 * that arrived meanwhile reach the disk in one writev.
 *
 * Why: an uncorked WriteStream issues one fs.write per frame — 50 a second
 * per session at 20 ms frames — and each is a thread-pool round trip that
 * costs far more than the 320 bytes it writes. Corked data still counts in
 * `writableLength`, so the recorder's bounded-queue check sees it, and audio
 * still reaches the spool within about FLUSH_MS.
 */
import type { WriteStream } from 'node:fs';

/** How long audio may wait in memory before it is handed to the spool file. */
export const FLUSH_MS = 50;

export class SpoolFlusher {
  private readonly files = new Set<WriteStream>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = FLUSH_MS) {}

  /**
   * Batches `file` from now on. A file still opening is corked only once it
   * is open: corking it earlier would hold back what was written meanwhile.
   */
  add(file: WriteStream): void {
    this.files.add(file);
    if (!file.pending) file.cork();
    else {
      file.once('ready', () => {
        if (this.files.has(file)) file.cork();
      });
    }
    if (!this.timer) {
      this.timer = setInterval(() => this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Stops batching `file`; its `end()` writes out whatever is still corked. */
  delete(file: WriteStream): void {
    this.files.delete(file);
    if (this.files.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  flush(): void {
    for (const f of this.files) {
      if (f.writableCorked === 0) continue;
      f.uncork();
      f.cork();
    }
  }
}

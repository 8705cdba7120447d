/**
 * One channel's voice activity decision on consecutive 10 ms windows, given
 * whether each window is loud. A stretch becomes speech once it has
 * `onsetWindows` loud windows; quiet runs of up to `bridgeWindows` inside it
 * are bridged; it ends at its last loud window (the trailing quiet windows
 * are trimmed back off), so every flag written through `mark` is final.
 *
 * Windows are numbered by the caller (0, 1, 2 … without holes). Windows
 * below `decidedTo` are final: those never passed to `mark` are not speech.
 */
export class ChannelVad {
  /** First window of the open stretch (candidate or speech), -1 when none. */
  private start = -1;
  private lastLoud = -1;
  private loudCount = 0;
  private confirmed = false;
  decidedTo = 0;

  constructor(
    private readonly onsetWindows: number,
    private readonly bridgeWindows: number,
    /** Flags windows [from, to) as speech. */
    private readonly mark: (from: number, to: number) => void,
  ) {}

  window(n: number, loud: boolean): void {
    if (loud) this.loud(n);
    else if (this.start < 0) this.decidedTo = n + 1;
    else if (n - this.lastLoud > this.bridgeWindows) this.close(n + 1);
  }

  /** Ends the open stretch: windows before `next` are decided (at the end of the audio or before a gap). */
  close(next: number): void {
    this.start = -1;
    this.confirmed = false;
    this.decidedTo = next;
  }

  private loud(n: number): void {
    if (this.start < 0) {
      this.start = n;
      this.loudCount = 0;
    }
    this.loudCount++;
    if (this.confirmed) {
      this.mark(this.lastLoud + 1, n + 1);
    } else if (this.loudCount >= this.onsetWindows) {
      this.confirmed = true;
      this.mark(this.start, n + 1);
    }
    this.lastLoud = n;
    if (this.confirmed) this.decidedTo = n + 1;
  }
}

/** Most windows a channel can leave undecided: an unconfirmed stretch of sparse loud windows. */
export const maxPendingWindows = (onsetWindows: number, bridgeWindows: number): number => onsetWindows * (bridgeWindows + 1) + 1;

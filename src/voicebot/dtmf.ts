/**
 * Collects DTMF digits (one per `dtmf` message) into one bot input: done at
 * the terminator, at `maxDigits`, or after `interDigitMs` without a key.
 */
export interface DtmfOptions {
  terminator: '#' | '*' | 'none';
  maxDigits: number;
  interDigitMs: number;
  onDigits: (digits: string) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

const DIGIT = /^[0-9*#A-D]$/;

export class DtmfCollector {
  private digits = '';
  private timer: unknown;

  constructor(private readonly o: DtmfOptions) {}

  /** Returns false for something that is not a DTMF key (ignored). */
  push(digit: string): boolean {
    if (!DIGIT.test(digit)) return false;
    this.stopTimer();
    if (digit === this.o.terminator) {
      this.flush();
      return true;
    }
    this.digits += digit;
    if (this.digits.length >= this.o.maxDigits) this.flush();
    else this.timer = (this.o.setTimer ?? setTimeout)(() => this.flush(), this.o.interDigitMs);
    return true;
  }

  stop(): void {
    this.stopTimer();
    this.digits = '';
  }

  private flush(): void {
    this.stopTimer();
    const d = this.digits;
    this.digits = '';
    if (d.length > 0) this.o.onDigits(d);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) (this.o.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout)))(this.timer);
    this.timer = undefined;
  }
}

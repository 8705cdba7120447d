/**
 * The emulator's virtual clock and the timers that run on it.
 *
 * Every time the emulator reasons about (call timelines, token and channel
 * expiry, analytics lag, transcode delay, job progress, rate-limit refill,
 * heartbeats) is virtual epoch milliseconds from `VirtualClock.now()`. Tests
 * scale it (`speed`), pause it (speed 0) or jump it (`advance`); the real
 * time source is injected so the core is testable without waiting.
 */

export interface RealTime {
  /** Monotonic real milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTime: RealTime = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * Real wall-clock time in epoch ms with sub-ms precision, for log fields that
 * benchmarks compare across events (virtual times are whole ms and scaled).
 */
export const wallMs = (): number => performance.timeOrigin + performance.now();

export class ClockError extends Error {
  override readonly name = 'ClockError';
}

export class VirtualClock {
  private anchorVirtual: number;
  private anchorReal: number;
  private _speed: number;

  constructor(private readonly real: RealTime, startMs: number, speed = 1) {
    checkSpeed(speed);
    this.anchorVirtual = startMs;
    this.anchorReal = real.now();
    this._speed = speed;
  }

  now(): number {
    return Math.floor(this.anchorVirtual + (this.real.now() - this.anchorReal) * this._speed);
  }

  get speed(): number {
    return this._speed;
  }

  /** Changes the rate; virtual time is continuous across the change. */
  setSpeed(speed: number): void {
    checkSpeed(speed);
    this.reanchor();
    this._speed = speed;
  }

  /** Jumps forward; never backwards (expiries and timelines assume monotonic time). */
  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new ClockError(`advance needs a non-negative number of ms (got ${ms})`);
    this.reanchor();
    this.anchorVirtual += ms;
  }

  /** Real milliseconds until virtual time `at`: 0 when already due, undefined while stopped. */
  realDelayUntil(at: number): number | undefined {
    const ahead = at - this.now();
    if (ahead <= 0) return 0;
    if (this._speed === 0) return undefined;
    return ahead / this._speed;
  }

  private reanchor(): void {
    this.anchorVirtual = this.now();
    this.anchorReal = this.real.now();
  }
}

function checkSpeed(speed: number): void {
  if (!(speed >= 0) || !Number.isFinite(speed) || speed > 100_000) {
    throw new ClockError(`clock speed must be between 0 (stopped) and 100000 (got ${speed})`);
  }
}

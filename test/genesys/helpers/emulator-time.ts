/**
 * The client's clock is the emulator's virtual clock (stopped, speed 0): a
 * client sleep advances the emulator, after every request in flight has been
 * answered, so the emulator sees requests at the virtual time they were sent.
 * Advances are serialised and never overshoot the furthest target.
 */
import type { EmulatorControl } from '../../../src/emulator/index.js';
import type { Clock, Sleep } from '../../../src/genesys/index.js';
import { FetchTracker, macrotask } from './virtual-time.js';

export class EmuTime implements Clock {
  t = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly tracker = new FetchTracker();
  readonly fetch = this.tracker.fetch;
  /** Every client sleep, in order. */
  readonly sleeps: number[] = [];

  private constructor(private readonly control: EmulatorControl) {}

  static async of(control: EmulatorControl): Promise<EmuTime> {
    const time = new EmuTime(control);
    time.t = (await control.clock()).now;
    return time;
  }

  now = (): number => this.t;

  sleep: Sleep = (ms) => {
    this.sleeps.push(ms);
    return this.advanceTo(this.t + Math.max(0, ms));
  };

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.t + ms);
  }

  /** Advances in steps, letting sockets deliver what each step produced. */
  async advanceInSteps(total: number, step: number): Promise<void> {
    const target = this.t + total;
    while (this.t < target) {
      await this.advance(Math.min(step, target - this.t));
      for (let i = 0; i < 5; i++) await macrotask();
    }
  }

  private advanceTo(target: number): Promise<void> {
    const run = this.chain.then(async () => {
      await this.tracker.idle();
      if (target > this.t) this.t = (await this.control.advance(target - this.t)).now;
      await macrotask();
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** For the notifications manager: its own timers never fire (ticks are not under test here). */
  static readonly never: Sleep = (_ms, signal) => new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
}

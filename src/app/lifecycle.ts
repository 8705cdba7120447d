/**
 * Starts a process's components in the order they were added and stops them
 * in the reverse order, so whatever a component uses is still there while it
 * stops. A component without `start` was opened by its factory: it counts as
 * running from the moment it is added. A start that fails stops the running
 * components (reverse order) before the error is rethrown.
 */

export interface Component<StopOptions = void> {
  readonly name: string;
  start?(): Promise<void> | void;
  stop?(options: StopOptions): Promise<void> | void;
}

export interface LifecycleOptions {
  /** A component's stop failed; the others still stop (the first failure is rethrown after them). */
  onStopError?: (name: string, err: unknown) => void;
}

export class Lifecycle<StopOptions = void> {
  private readonly components: { component: Component<StopOptions>; running: boolean }[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: LifecycleOptions = {}) {}

  add<C extends Component<StopOptions>>(component: C): C {
    this.components.push({ component, running: component.start === undefined });
    return component;
  }

  /** Starts in order; `onFailure` is what the running components are stopped with when a start fails. */
  async start(onFailure: StopOptions): Promise<void> {
    for (const entry of this.components) {
      if (entry.running) continue;
      try {
        await entry.component.start?.();
      } catch (err) {
        await this.stopRunning(onFailure).catch(() => undefined); // reported through onStopError
        throw err;
      }
      entry.running = true;
    }
  }

  /** Stops once: later calls get the first call's promise. */
  stop(options: StopOptions): Promise<void> {
    this.stopping ??= this.stopRunning(options);
    return this.stopping;
  }

  private async stopRunning(options: StopOptions): Promise<void> {
    let first: { err: unknown } | undefined;
    for (const entry of [...this.components].reverse()) {
      if (!entry.running) continue;
      entry.running = false;
      try {
        await entry.component.stop?.(options);
      } catch (err) {
        this.options.onStopError?.(entry.component.name, err);
        first ??= { err };
      }
    }
    if (first) throw first.err;
  }
}

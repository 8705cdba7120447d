/**
 * One `hookline serve` child process of the fault suite: spawned from its
 * config file, respawned after a kill or a crash, and watched for exits the
 * suite did not cause and for the tenant leadership it logs.
 */
import { serve, type Served } from '../helpers/process.js';

export class Replica {
  served: Served | undefined;
  /** Exits the suite did not cause, with the process's log (stderr may still arrive after the exit). */
  readonly crashes: { code: number | null; lines: string[] }[] = [];
  private killing = false;

  constructor(
    readonly name: string,
    private readonly configFile: string,
  ) {}

  get alive(): boolean {
    return this.served !== undefined;
  }

  get port(): number {
    if (!this.served) throw new Error(`replica ${this.name} is not running`);
    return this.served.port;
  }

  async start(): Promise<void> {
    const served = await serve(this.configFile);
    this.served = served;
    this.killing = false;
    void served.exited.then((code) => {
      if (this.served !== served) return;
      this.served = undefined;
      if (!this.killing) this.crashes.push({ code, lines: served.lines });
    });
  }

  /** The leadership it logged last: the lease holder logs "became leader" until "no longer leader". */
  get leads(): boolean {
    const lines = this.served?.lines ?? [];
    for (let i = lines.length - 1; i >= 0; i--) {
      const l = lines[i] as string;
      if (l.includes('"msg":"became leader"')) return true;
      if (l.includes('"msg":"no longer leader"')) return false;
    }
    return false;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const s = this.served;
    if (!s) return;
    this.killing = true;
    s.child.kill(signal);
    await s.exited;
    this.served = undefined;
  }

  /** Log lines (JSON) at warn level or above since `from`, for the report's notes. */
  errors(from = 0): string[] {
    return (this.served?.lines ?? []).slice(from).filter((l) => /"level":(40|50|60)/.test(l));
  }
}

/**
 * The demo's terminal view: redrawn in place on a terminal, a line every few
 * seconds otherwise (CI logs, pipes).
 */
import type { DemoStatus } from './status.js';

const mb = (n: number) => `${(n / 1_048_576).toFixed(1)} MB`;

export function render(s: DemoStatus, elapsedMs: number, where: { emulator: string; hookline: string; receiver: string; data: string }): string[] {
  const t = Math.floor(elapsedMs / 1000);
  const clock = `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
  const r = s.reconcile;
  return [
    `Hookline demo  ${clock}   Genesys emulator ${where.emulator}   Hookline ${where.hookline}`,
    '',
    `  calls placed             ${s.callsPlaced}   (${s.callsActive} in progress)`,
    `  AudioHook sessions       admitted ${s.admitted}   rejected ${s.rejected} (unmonitored agents)   held now ${s.held}   probes ${s.probes}`,
    `  audio forwarded          ${s.forwardedCalls} calls, ${mb(s.forwardedBytes)} to ${where.receiver}`,
    `  audio recorded           ${s.recorded} recordings`,
    `  conversations imported   ${s.imported}   (queued ${s.queued}, dead letters ${s.deadLetters})`,
    `  reconciliation           ${r ? `up to ${r.at.slice(11, 19)}: found ${r.found}, already imported ${r.alreadyImported}, queued ${r.enqueued}` : 'runs after the first calls end'}`,
    '',
    `  data in ${where.data}: hookline.db (conversations, agents), objects/recordings (live capture),`,
    `  objects/imports (Genesys recordings), received/ (what the downstream receiver got)`,
    '',
    '  Ctrl-C to stop.',
  ];
}

export class Screen {
  private lines = 0;
  private lastPlain = 0;

  constructor(private readonly out: NodeJS.WriteStream) {}

  draw(lines: string[]): void {
    if (this.out.isTTY) {
      if (this.lines) this.out.write(`\x1b[${this.lines}A`);
      for (const l of lines) this.out.write(`\x1b[2K${l}\n`);
      this.lines = lines.length;
      return;
    }
    if (Date.now() - this.lastPlain < 5000) return;
    this.lastPlain = Date.now();
    const keep = lines.filter((l) => l.startsWith('  calls') || l.startsWith('  AudioHook') || l.startsWith('  conversations'));
    this.out.write(keep.map((l) => l.trim().replace(/\s+/g, ' ')).join(' | ') + '\n');
  }
}

/**
 * The demo's terminal view: redrawn in place on a terminal (fits 80 columns,
 * clipped to narrower ones), one line of the same facts every few seconds
 * otherwise (CI logs, pipes).
 */
import type { DemoStatus } from './status.js';

const mb = (n: number) => `${(n / 1_048_576).toFixed(1)} MB`;
const LABEL_WIDTH = 16;

/** Elapsed time as mm:ss. */
export function clock(elapsedMs: number): string {
  const t = Math.floor(elapsedMs / 1000);
  return `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
}

/** Everything the demo reports, as label and value: the live view, the plain lines and the final summary all show these. */
export function facts(s: DemoStatus): [string, string][] {
  const r = s.reconcile;
  return [
    ['calls placed', `${s.callsPlaced} (${s.callsActive} in progress)`],
    ['AudioHook', `admitted ${s.admitted}, rejected ${s.rejected}, held now ${s.held}, probes ${s.probes}`],
    ['forwarded', `${s.forwardedCalls} calls, ${mb(s.forwardedBytes)}`],
    ['recorded', `${s.recorded} recordings`],
    ['imported', `${s.imported} (queued ${s.queued}, dead letters ${s.deadLetters})`],
    ['reconciliation', r ? `${r.at.slice(11, 19)} found ${r.found}, already imported ${r.alreadyImported}, queued ${r.enqueued}` : 'not yet (runs 45 s in)'],
    ['voice bot', botHeard(s)],
    ['bot outcome', botOutcome(s)],
  ];
}

/** The last finished bot call: how many calls, and what the bridge heard the caller say. */
function botHeard(s: DemoStatus): string {
  const b = s.botCalls;
  const calls = `${b.placed} call${b.placed === 1 ? '' : 's'}`;
  if (!b.last) return b.placed > 0 ? `${calls}, the first still talking` : 'no call yet';
  return `${calls}, last heard ${b.last.heard.map((h) => `"${h}"`).join(', ') || 'nothing'}`;
}

/** How it ended, with the output variables Architect's Call Audio Connector action gets. */
function botOutcome(s: DemoStatus): string {
  const last = s.botCalls.last;
  if (!last) return '-';
  // `action` (end or handover) first: it is what an Architect flow branches on.
  const { action, ...rest } = last.outputVariables;
  const vars = Object.entries({ ...(action !== undefined ? { action } : {}), ...rest }).map(([k, v]) => `${k}=${v}`).join(' ');
  return `${last.outcome.replace('disconnect ', '')} ${vars}`.trim();
}

export function factLines(s: DemoStatus): string[] {
  return facts(s).map(([label, value]) => `  ${label.padEnd(LABEL_WIDTH)}${value}`);
}

export function render(s: DemoStatus, elapsedMs: number): string[] {
  return [`Hookline demo  ${clock(elapsedMs)}`, '', ...factLines(s), '', '  Ctrl-C to stop.'];
}

/** The same facts on one line, for output that is not a terminal. */
export function plainLine(s: DemoStatus, elapsedMs: number): string {
  return `${clock(elapsedMs)} ${facts(s).map(([label, value]) => `${label} ${value}`).join(' | ')}`;
}

/** Cuts a line to the terminal's width: a wrapped line would break the redraw in place. */
export function clip(line: string, columns: number): string {
  return line.length < columns ? line : `${line.slice(0, Math.max(0, columns - 2))}…`;
}

export class Screen {
  private lines = 0;
  private lastPlain = 0;

  constructor(private readonly out: NodeJS.WriteStream) {}

  draw(s: DemoStatus, elapsedMs: number): void {
    if (this.out.isTTY) {
      const lines = render(s, elapsedMs).map((l) => clip(l, this.out.columns || 80));
      if (this.lines) this.out.write(`\x1b[${this.lines}A`);
      for (const l of lines) this.out.write(`\x1b[2K${l}\n`);
      this.lines = lines.length;
      return;
    }
    if (Date.now() - this.lastPlain < 5000) return;
    this.lastPlain = Date.now();
    this.out.write(plainLine(s, elapsedMs) + '\n');
  }
}

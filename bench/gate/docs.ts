/**
 * The bench:gate section of docs/benchmarks.md: machine, date, exact command,
 * the tables, and what each figure spans.
 */
import { machineLine, writeSection } from '../lib/docs.js';
import type { GateBenchOptions } from './options.js';
import { processNotes } from './processes.js';
import { CPU_HEAD, LATENCY_HEAD, cpuRows, latencyRows, markdownTable, ratioLine, runNotes, type GateResults } from './report.js';

function method(o: GateBenchOptions): string[] {
  return [
    `- **Admission latency** spans the emulator handing the agent-connected notification to its notification socket → the emulator's AudioHook client receiving Hookline's \`resume\` for that call (the receipt, i.e. at most one loopback hop after Hookline sent it, plus the emulator's own event-loop delay). Both instants are real time read in the emulator's process (\`sentAtMs\` in its notification log, \`resumedAtMs\` in its AudioHook log). The path in between: Hookline's notification client → tracker → tenant event (in-memory pub/sub, or Redis pub/sub from A to B) → gate → stream sink start → \`resume\`.`,
    `- Admission load: ${o.calls} inbound calls per case at ${o.callsPerSecond}/s over ${o.agents} agents, all in the monitored group; each AudioHook session opens when the customer connects (\`openAt: customer-connected\`), is held paused by the gate, and the agent answers 1 s later (IVR 0.3 s, queue 0.3 s, alert 0.4 s; 4 s talk; 100 ms frames after the resume). The emulator runs in the bench process; Hookline runs as \`hookline serve\` child processes (recorder and ingest off) with one do-nothing downstream destination, as admission starts the stream sink before it resumes.`,
    `- **Forwarding latency** spans the load generator handing a frame to its socket → the downstream receiver reading it: every frame carries its send time (CLOCK_MONOTONIC, shared by all processes) in its first 8 bytes. It is end to end, so it also holds two loopback hops and the receiver's read; it is an upper bound on Hookline's receive → send time. The receiver does nothing but read the stamp; it shares CPU 1 with the load generator, so its own scheduling delay is part of the figure.`,
    `- Forwarding load: \`runLoad\` (the \`hookline simulate\` library) with ${o.sessions.join(' and ')} stereo PCMU sessions of ${o.frameMs.join(' and ')} ms frames, ${o.connectRate} connections/s ramp, ${o.settleSeconds} s settle, ${o.windowSeconds} s window; tenant in \`admission: all\` with one destination (\`channels: both\`, \`batchMs\` ${o.batchMs.join(' and ')}; the receiver reads the stamp of every source frame in a batched message). Hookline alone on CPU 0; load generator and receiver on CPU 1; ${processNotes()}.`,
    '- **CPU**: Hookline\'s utime + stime over the window (all threads), the same load with and without the destination, one after the other in the same run; the ratio is per frame received.',
  ];
}

export function section(o: GateBenchOptions, g: GateResults, started: Date): string {
  const notes = runNotes(g).map((n) => `- ${n}`);
  return [
    `Command: \`npm run bench:gate\`  `,
    `Machine: ${machineLine()}  `,
    `Date: ${started.toISOString()}`,
    '',
    markdownTable(LATENCY_HEAD, latencyRows(g)),
    '',
    markdownTable(CPU_HEAD, cpuRows(g)),
    '',
    ratioLine(g),
    '',
    'Method:',
    '',
    ...method(o),
    ...(notes.length ? ['', 'Notes from the run:', '', ...notes] : []),
    '',
  ].join('\n');
}

export function writeDocs(text: string): void {
  writeSection({ bench: 'gate', heading: 'Gate and forwarding (bench:gate)' }, text);
}

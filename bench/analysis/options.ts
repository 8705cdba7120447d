/**
 * bench:analysis command line. The defaults are the recorded run; --quick is
 * a smoke run (one repeat) that leaves the docs alone.
 */
import { parseArgs } from 'node:util';

export interface AnalysisBenchOptions {
  /** Passes over all fixture calls per live case. */
  repeat: number;
  /** Passes over all fixture calls for the post-call real-time factor. */
  postCallRepeat: number;
  /** Passes over all fixture calls for the keyword-spotting cases (each runs real engine programs: seconds per call). */
  speechRepeat: number;
  frameMs: number[];
  writeDocs: boolean;
}

export const USAGE = 'usage: node dist-bench/bench/analysis.js [--quick] [--repeat 200] [--post-call-repeat 200] [--speech-repeat 3] [--frame-ms 20,100] [--no-docs]';

function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name}: a positive whole number, not "${v}"\n${USAGE}`);
  return n;
}

export function parseAnalysisArgs(argv: string[]): AnalysisBenchOptions {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      repeat: { type: 'string', default: '200' },
      'post-call-repeat': { type: 'string', default: '200' },
      'speech-repeat': { type: 'string', default: '3' },
      'frame-ms': { type: 'string', default: '20,100' },
      'no-docs': { type: 'boolean', default: false },
    },
  });
  const quick = v.quick === true;
  return {
    repeat: quick ? 1 : positive('repeat', v.repeat),
    postCallRepeat: quick ? 1 : positive('post-call-repeat', v['post-call-repeat']),
    speechRepeat: quick ? 1 : positive('speech-repeat', v['speech-repeat']),
    frameMs: v['frame-ms'].split(',').map((x) => positive('frame-ms', x.trim())),
    writeDocs: !quick && v['no-docs'] !== true,
  };
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChannelVad, maxPendingWindows } from '../../src/analysis/acoustic/vad.js';

/** The VAD's rule stated over the whole sequence at once: loud windows chained by quiet runs of at most `bridge`; a chain with `onset` loud windows is speech from its first to its last loud window. */
function reference(loud: boolean[], onset: number, bridge: number): boolean[] {
  const out = loud.map(() => false);
  let chain: number[] = [];
  const close = (): void => {
    if (chain.length >= onset) for (let n = chain[0] as number; n <= (chain.at(-1) as number); n++) out[n] = true;
    chain = [];
  };
  loud.forEach((l, n) => {
    if (!l) return;
    if (chain.length > 0 && n - (chain.at(-1) as number) - 1 > bridge) close();
    chain.push(n);
  });
  close();
  return out;
}

describe('ChannelVad', () => {
  it('decides each window as the whole-sequence rule does, never revises a decided window, and leaves at most maxPendingWindows undecided', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 400 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 12 }), (loud, onset, bridge) => {
        const speech = loud.map(() => false);
        let decidedTo = 0;
        const vad = new ChannelVad(onset, bridge, (from, to) => {
          expect(from).toBeGreaterThanOrEqual(decidedTo); // a decided window is never revised
          for (let n = from; n < to; n++) speech[n] = true;
        });
        loud.forEach((l, n) => {
          vad.window(n, l);
          expect(vad.decidedTo).toBeGreaterThanOrEqual(decidedTo);
          decidedTo = vad.decidedTo;
          expect(n + 1 - decidedTo).toBeLessThan(maxPendingWindows(onset, bridge));
        });
        vad.close(loud.length);
        expect(speech).toEqual(reference(loud, onset, bridge));
      }),
      { numRuns: 500 },
    );
  });

});

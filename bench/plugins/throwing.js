// @ts-check
/**
 * bench:events plugin: throws in both hooks, on every change. Hookline counts
 * the throws and commits without a verdict; the benchmark checks that admission
 * latency does not move (docs/plugins.md, "Timing").
 */

/** @type {import('../../src/plugins/api.js').PluginFactory} */
export default function throwing() {
  return {
    name: 'bench-throwing',
    beforeCommit() {
      throw new Error('bench-throwing: beforeCommit throws by design');
    },
    afterCommit() {
      throw new Error('bench-throwing: afterCommit throws by design');
    },
  };
}

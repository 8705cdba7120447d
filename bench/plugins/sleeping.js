// @ts-check
/**
 * bench:events plugin: sleeps 5 s in both hooks, on every change, and ignores
 * `ctx.signal` (a badly behaved plugin). Hookline stops waiting for the
 * before-commit verdict at the budget and runs after-commit hooks off the
 * writer's path; the benchmark checks that admission latency does not move.
 */
import { setTimeout as sleep } from 'node:timers/promises';

const SLEEP_MS = 5000;

/** @type {import('../../src/plugins/api.js').PluginFactory} */
export default function sleeping() {
  return {
    name: 'bench-sleeping',
    async beforeCommit() {
      await sleep(SLEEP_MS);
    },
    async afterCommit() {
      await sleep(SLEEP_MS);
    },
  };
}

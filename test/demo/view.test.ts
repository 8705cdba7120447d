/**
 * The demo's view fits an 80-column terminal, and output that is not a
 * terminal carries the same facts.
 */
import { describe, expect, it } from 'vitest';
import type { DemoStatus } from '../../src/demo/status.js';
import { clip, facts, plainLine, render } from '../../src/demo/view.js';

const busy: DemoStatus = {
  callsPlaced: 123456,
  callsActive: 9999,
  admitted: 123456,
  rejected: 99999,
  held: 9999,
  probes: 999,
  forwardedCalls: 123456,
  forwardedBytes: 999 * 1_048_576 * 1024,
  recorded: 123456,
  imported: 123456,
  queued: 99999,
  deadLetters: 9999,
  reconcile: { at: '2026-12-03T13:42:49.000Z', found: 123456, alreadyImported: 123456, enqueued: 99999 },
  botCalls: { placed: 999, last: { heard: ['what are your opening hours', 'goodbye'], outcome: 'disconnect completed', outputVariables: { action: 'end', intent: 'goodbye', resolved: 'true' }, botAudioSeconds: 21.5, rateLimited: 0 } },
};

describe('demo view', () => {
  it('fits 80 columns with six-digit counts', () => {
    for (const line of render(busy, 3_599_000)) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('shows every fact of the live view on the plain line', () => {
    const line = plainLine(busy, 65_000);
    expect(line.startsWith('01:05 ')).toBe(true);
    for (const [label, value] of facts(busy)) expect(line).toContain(`${label} ${value}`);
    expect(line).toMatch(/forwarded .*recorded .*reconciliation 13:42:49 found 123456/);
    expect(line).toContain('voice bot 999 calls, last heard "what are your opening hours", "goodbye" | bot outcome completed action=end intent=goodbye resolved=true');
  });

  it('clips lines to a narrower terminal', () => {
    expect(clip('x'.repeat(100), 40)).toHaveLength(39);
    expect(clip('short', 40)).toBe('short');
  });
});

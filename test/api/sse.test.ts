/**
 * The SSE client's wire format, heartbeat and slow-reader bound, over a fake
 * socket whose reader never takes anything (virtual time for the heartbeat).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SseClient, formatEvent, type SseOutput } from '../../src/api/index.js';

/** A socket nobody reads: everything written stays queued. */
function stuck(): SseOutput & { written: string[] } {
  const o = {
    written: [] as string[],
    writableLength: 0,
    destroyed: false,
    write(chunk: string) {
      o.written.push(chunk);
      o.writableLength += chunk.length;
      return false;
    },
    destroy() {
      o.destroyed = true;
    },
  };
  return o;
}

describe('SseClient', () => {
  afterEach(() => vi.useRealTimers());

  it('writes event, id and one JSON data line per event', () => {
    expect(formatEvent('call', { a: 'x\ny' }, 'c:1')).toBe('id: c:1\nevent: call\ndata: {"a":"x\\ny"}\n\n');
    expect(formatEvent('ready', {})).toBe('event: ready\ndata: {}\n\n');
  });

  it('sends a heartbeat comment every heartbeatMs while open, none after close', () => {
    vi.useFakeTimers();
    const out = stuck();
    const c = new SseClient(out, { heartbeatMs: 15_000, maxBufferedBytes: 1 << 20 });
    vi.advanceTimersByTime(30_000);
    expect(out.written).toEqual([': heartbeat\n\n', ': heartbeat\n\n']);
    c.close();
    vi.advanceTimersByTime(30_000);
    expect(out.written).toHaveLength(2);
    expect(out.destroyed).toBe(true);
  });

  it('cuts a reader that does not keep up instead of buffering, once, and runs its closers', () => {
    const out = stuck();
    const slow = vi.fn();
    const closed = vi.fn();
    const c = new SseClient(out, { heartbeatMs: 60_000, maxBufferedBytes: 1000 });
    c.onClose(closed);
    let sent = 0;
    while (c.send('event', { pad: 'x'.repeat(100) })) sent++;
    expect(sent).toBe(Math.floor(1000 / formatEvent('event', { pad: 'x'.repeat(100) }).length));
    expect(out.writableLength).toBeLessThanOrEqual(1000);
    expect([out.destroyed, c.isClosed, slow.mock.calls.length, closed.mock.calls.length]).toEqual([true, true, 0, 1]);
    expect(c.send('event', {})).toBe(false);
    const counted = new SseClient(stuck(), { heartbeatMs: 60_000, maxBufferedBytes: 10, onSlow: slow });
    counted.send('event', { big: 'x'.repeat(20) });
    expect(slow).toHaveBeenCalledTimes(1);
  });
});

/**
 * `npm run demo` works: the whole system on embedded defaults shows calls
 * captured, unmonitored calls rejected and conversations imported within a
 * minute, and leaves its data where it says.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/run.js';
import { tempDir } from '../helpers/tmp.js';

const t = tempDir('hookline-demo-');
afterAll(() => t.cleanup());

describe('hookline demo', () => {
  it('shows the whole system working within a minute', async () => {
    let text = '';
    const out = new Writable({
      write(chunk, _e, cb) {
        text += String(chunk);
        cb();
      },
    }) as unknown as NodeJS.WriteStream;
    const dataDir = join(t.dir, 'demo');
    const status = await runDemo({ dataDir, durationSeconds: 50, callsPerMinute: 40, out });
    expect(status.callsPlaced).toBeGreaterThan(10);
    expect(status.admitted).toBeGreaterThan(3);
    expect(status.rejected + status.held).toBeGreaterThan(0);
    expect(status.forwardedCalls).toBeGreaterThan(0);
    expect(status.imported).toBeGreaterThan(0);
    expect(status.deadLetters).toBe(0);
    expect(text).toMatch(/AudioHook sessions admitted \d+/);
    expect(existsSync(join(dataDir, 'hookline.db'))).toBe(true);
    expect(readdirSync(join(dataDir, 'objects', 'imports'), { recursive: true }).map(String).some((f) => f.endsWith('.wav'))).toBe(true);
    expect(readdirSync(join(dataDir, 'received')).some((f) => f.endsWith('.wav'))).toBe(true);
    // A second start reuses (and clears) only its own directory.
    expect(existsSync(join(dataDir, '.hookline-demo'))).toBe(true);
  }, 120_000);

  it('refuses to clear a directory it did not make', async () => {
    await expect(runDemo({ dataDir: process.cwd(), durationSeconds: 1, callsPerMinute: 1, out: process.stdout })).rejects.toThrow(/not made by the demo/);
  });
});

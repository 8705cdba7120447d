/**
 * `npm run demo` works: the whole system on embedded defaults shows calls
 * captured, unmonitored calls rejected and conversations imported within a
 * minute, guidance rules firing (guidance.triggered events, what the
 * console's Notifications page shows), and leaves its data where it says.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { allTables, openAppDatabase } from '../../src/app/database.js';
import { UserStore } from '../../src/console/index.js';
import { runDemo } from '../../src/demo/run.js';
import { tempDir } from '../helpers/tmp.js';

const t = tempDir('hookline-demo-');
/** A WAV with no samples: the header (with a fact chunk for µ-law) and nothing else. */
const WAV_HEADER_MAX = 58;
afterAll(() => t.cleanup());

/** The parts of the receiver's `<session>.json` this test reads. */
interface ReceivedSummary {
  start: { position: string };
  messages: { type: string; position?: string }[];
  bytesReceived: number;
}
const endPosition = (s: ReceivedSummary) => s.messages.find((m) => m.type === 'end')?.position;

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
    // The caller who talked to the demo bot was heard, answered by voice, and the call ended with output variables.
    expect(status.botCalls.last).toMatchObject({ heard: ['what are your opening hours', 'goodbye'], outcome: 'disconnect completed', outputVariables: { action: 'end', intent: 'goodbye', resolved: 'true' }, rateLimited: 0 });
    expect(status.botCalls.last!.botAudioSeconds).toBeGreaterThan(8);
    expect(text).toMatch(/bot outcome +completed action=end intent=goodbye resolved=true/);
    expect(statSync(join(dataDir, 'bot-call.wav')).size).toBeGreaterThan(8 * 8000);
    // Output that is not a terminal shows the same facts as the live view.
    expect(text).toMatch(/AudioHook admitted \d+.* \| forwarded \d+ calls.* \| recorded \d+ recordings.* \| reconciliation /);
    // The summary is taken after the drain: every admitted call has ended and was recorded.
    expect(status.held).toBe(0);
    expect(status.recorded).toBe(status.admitted);
    expect(text).toMatch(new RegExp(`Done\\.\\n {2}calls placed +${status.callsPlaced} `));
    expect(existsSync(join(dataDir, 'hookline.db'))).toBe(true);
    expect(readdirSync(join(dataDir, 'objects', 'imports'), { recursive: true }).map(String).some((f) => f.endsWith('.wav'))).toBe(true);
    // Held calls carry audio from their admission on, and the recorder's and the receiver's WAV of a call are the same length.
    const received = readdirSync(join(dataDir, 'received')).filter((f) => f.endsWith('.wav'));
    expect(received.length).toBeGreaterThan(0);
    const recorded = new Map(
      readdirSync(join(dataDir, 'objects', 'recordings'), { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.wav'))
        .map((f) => [basename(f), join(dataDir, 'objects', 'recordings', f)]),
    );
    let withAudio = 0;
    for (const f of received) {
      const size = statSync(join(dataDir, 'received', f)).size;
      const summary = JSON.parse(readFileSync(join(dataDir, 'received', f.replace(/\.wav$/, '.json')), 'utf8')) as ReceivedSummary;
      // A call admitted at the moment it ended (the gate answered as the agent hung up, or as the
      // demo's drain ended it) has a stream of no length: its end is where its start was.
      if (size <= WAV_HEADER_MAX) expect(endPosition(summary), `${f}: an empty stream ends where it started`).toBe(summary.start.position);
      if (summary.bytesReceived > 0) withAudio++;
      expect(statSync(recorded.get(f) ?? '').size).toBe(size);
    }
    expect(withAudio).toBeGreaterThan(0);
    // The printed console login works: the user exists with that password and is the demo tenant's admin.
    const login = /Operator console: http:\/\/127\.0\.0\.1:\d+\/console\/ {2}user (\S+), password (\S+)\n/.exec(text);
    expect(login, 'the console URL and login are printed').not.toBeNull();
    const db = await openAppDatabase(`sqlite:${join(dataDir, 'hookline.db')}`);
    try {
      const user = await new UserStore(db).verify(login![1]!, login![2]!);
      expect(user?.globalAdmin).toBe(true);
      // The demo tenant's guidance rules fired on the emulator's calls: committed guidance.triggered events.
      const fired = await allTables(db).selectFrom('conversation_events').select(['payload']).where('type', '=', 'guidance.triggered').execute();
      expect(fired.length).toBeGreaterThan(0);
      const rules = new Set(fired.map((e) => (JSON.parse(e.payload) as { rule?: string }).rule));
      expect([...rules].some((r) => r === 'long-silence' || r === 'agent-talks-too-much'), JSON.stringify([...rules])).toBe(true);
    } finally {
      await db.close();
    }
    // A second start reuses (and clears) only its own directory.
    expect(existsSync(join(dataDir, '.hookline-demo'))).toBe(true);
  }, 120_000);

  it('refuses to clear a directory it did not make', async () => {
    await expect(runDemo({ dataDir: process.cwd(), durationSeconds: 1, callsPerMinute: 1, out: process.stdout })).rejects.toThrow(/not made by the demo/);
  });
});

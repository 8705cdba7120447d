/**
 * The Genesys emulator in its own process for bench:ingest, so its work
 * (analytics records, WAV files, 100,000-call queries) does not share an
 * event loop with the pipeline being measured. Started by emulator.ts with
 * the seed as JSON in argv; answers one JSON line, exits with its parent.
 */
import { startEmulator, type SeedInput } from '../../src/emulator/index.js';
import { SPEECH_DIR } from '../lib/paths.js';

async function main(): Promise<void> {
  const seed = JSON.parse(process.argv[2] ?? '{}') as SeedInput;
  const emu = await startEmulator({ seed, speed: 1, speechDir: SPEECH_DIR });
  process.stdout.write(`${JSON.stringify({ url: emu.url, seeded: emu.seeded })}\n`);
  // The IPC channel closes when the bench ends, however it ends.
  process.on('disconnect', () => void emu.stop().finally(() => process.exit(0)));
}

main().catch((err: Error) => {
  process.stderr.write(`emulator child: ${err.stack ?? err.message}\n`);
  process.exit(1);
});

#!/usr/bin/env node
// Runs the compiled CLI. `npm run build` (tsc) produces dist/.
import { main } from '../dist/cli/main.js';

main(process.argv).catch((err) => {
  process.stderr.write(`hookline: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

// `hookline … | head` closes stdout early; that is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

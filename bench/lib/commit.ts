import { execFileSync } from 'node:child_process';

/** The short commit the benchmark ran on, for the figures' heading in docs/benchmarks.md. */
export function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

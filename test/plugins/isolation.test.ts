/**
 * Capture and the gate never call plugins: nothing the AudioHook endpoint or
 * the gate imports, directly or not, reaches src/plugins or the live model's
 * store (which runs the before-commit hooks). Plugins only see the live model,
 * which is fed off the gate's path (LiveFeed).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every src file reachable from `entry` through relative imports (type-only imports included: they would say a dependency too). */
function closure(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [resolve(SRC, entry)];
  for (let file = todo.pop(); file; file = todo.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) todo.push(join(dirname(file), (m[1] as string).replace(/\.js$/, '.ts')));
  }
  return new Set([...seen].map((f) => f.slice(SRC.length)));
}

describe('plugins stay off the audio path', () => {
  it.each(['capture/index.ts', 'gate/index.ts'])('%s reaches neither src/plugins nor the live model', (entry) => {
    const files = [...closure(entry)];
    expect(files.length).toBeGreaterThan(3);
    expect(files.filter((f) => f.startsWith('plugins/') || f.startsWith('conversations/'))).toEqual([]);
  });
});

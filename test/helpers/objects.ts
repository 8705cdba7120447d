/**
 * Finding what a test server stored in its filesystem object store
 * (`<dataDir>/objects`), by the end of the object's key.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every object under `<dataDir>/objects` whose path ends with `suffix`. */
export function findObjects(dataDir: string, suffix: string): string[] {
  const root = join(dataDir, 'objects');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(suffix))
    .map((f) => join(root, f));
}

/** The first object under `<dataDir>/objects` whose path ends with `suffix`. */
export function findObject(dataDir: string, suffix: string): string | undefined {
  return findObjects(dataDir, suffix)[0];
}

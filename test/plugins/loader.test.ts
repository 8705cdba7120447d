/**
 * Loading plugins from the configuration: relative modules resolve against the
 * config file's directory, every way a module can fail to be a plugin stops
 * the start naming `plugins[i].module`, and the shipped example plugin, loaded
 * from a config file, tags the live model's events.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { openAppDatabase } from '../../src/app/database.js';
import { LiveStore, type Observation } from '../../src/conversations/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { createRegistry } from '../../src/platform/metrics/index.js';
import { loadPlugins, PluginLoadError, PluginRunner, type PluginEntry } from '../../src/plugins/index.js';
import { startTestServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';
import { snapshots, timeline } from '../conversations/live/scripted.js';

const tmp = tempDir('hookline-plugins-');
afterAll(() => tmp.cleanup());
const log = createLogger({ level: 'silent' });

function module(name: string, text: string): string {
  writeFileSync(join(tmp.dir, name), text);
  return join(tmp.dir, name);
}

const entry = (m: string, more: Partial<PluginEntry> = {}): PluginEntry => ({ module: m, beforeCommitBudgetMs: 200, afterCommitQueueCapacity: 10, ...more });

describe('loading plugin modules', () => {
  it.each([
    ['a module that does not exist', () => join(tmp.dir, 'missing.js'), /plugins\[0\]\.module \(.*missing\.js\): cannot be imported/],
    ['no default export', () => module('nodefault.mjs', 'export const x = 1;\n'), /plugins\[0\]\.module \(.*nodefault\.mjs\): has no default export that is a function/],
    ['a factory that throws', () => module('throws.mjs', "export default () => { throw new Error('options.cases is required'); };\n"), /plugins\[0\]\.module .*: the factory threw: options\.cases is required/],
    ['a factory returning no plugin', () => module('notplugin.mjs', 'export default () => 42;\n'), /plugins\[0\]\.module .*: the factory did not return a plugin/],
    ['a hook that is not a function', () => module('nothook.mjs', "export default () => ({ name: 'x', beforeCommit: 'yes' });\n"), /did not return a plugin/],
    ['a name unfit for a metric label', () => module('badname.mjs', "export default () => ({ name: 'has space' });\n"), /plugins\[0\]\.module .*: name "has space" must be/],
  ])('refuses %s, naming plugins[i].module and why', async (_what, path, message) => {
    const err = await loadPlugins([entry(path())], { log }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginLoadError);
    expect((err as Error).message).toMatch(message);
  });

  it('refuses two plugins of one name (and closes the first), unless the config names them apart', async () => {
    const closed: string[] = [];
    (globalThis as Record<string, unknown>).__hooklineLoaderTestClosed = closed;
    const m = module('twice.mjs', "export default () => ({ name: 'same', close: () => globalThis.__hooklineLoaderTestClosed.push('same') });\n");
    try {
      await expect(loadPlugins([entry(m), entry(m)], { log })).rejects.toThrow(/plugins\[1\]\.module .*: name "same" is already taken/);
      expect(closed).toEqual(['same', 'same']);
      const both = await loadPlugins([entry(m), entry(m, { name: 'other' })], { log });
      expect(both.map((p) => p.name)).toEqual(['same', 'other']);
    } finally {
      delete (globalThis as Record<string, unknown>).__hooklineLoaderTestClosed;
    }
  });

  it('`hookline serve` does not start with a plugin that fails to load, and says which', async () => {
    await expect(startTestServer({ plugins: [{ module: join(tmp.dir, 'missing.js') }] })).rejects.toThrow(/plugins\[0\]\.module .*missing\.js.*cannot be imported/);
  });
});

describe('the example plugin, from a config file', () => {
  it('resolves ./crm-case-tag.js against the config file and tags every event of the case’s calls', async () => {
    const dir = tempDir('hookline-plugins-cfg-');
    try {
      copyFileSync(new URL('../../examples/plugins/crm-case-tag.js', import.meta.url), join(dir.dir, 'crm-case-tag.js'));
      const file = join(dir.dir, 'hookline.yaml');
      writeFileSync(file, "plugins:\n  - module: ./crm-case-tag.js\n    options: { cases: { 'tel:+1': CASE-7 } }\n    beforeCommitBudgetMs: 500\n");
      const config = loadConfig({ file, env: {} });
      expect(config.plugins[0]?.module).toBe(join(dir.dir, 'crm-case-tag.js'));
      const runner = new PluginRunner({ registry: createRegistry(false), log });
      runner.use(await loadPlugins(config.plugins, { log }));
      expect(runner.names).toEqual(['crm']);
      const db = await openAppDatabase(`sqlite:${dir.dir}/live.db`);
      try {
        const live = new LiveStore(db, { beforeCommit: runner.beforeCommit, onCommit: (e) => runner.afterCommit(e) });
        const id = 'c0ffee00-0000-4000-8000-0000000000c7';
        for (const x of snapshots(timeline('inbound', id))) await live.apply('org', { kind: 'snapshot', snapshot: x.snapshot } satisfies Observation);
        const events = await live.events('org', id);
        expect(events.length).toBeGreaterThan(3);
        expect(events.map((e) => e.enrichment?.crm)).toEqual(events.map(() => ({ caseId: 'CASE-7' })));
        expect((await live.get('org', id))?.enrichment).toEqual({ crm: { caseId: 'CASE-7' } });
      } finally {
        await runner.close();
        await db.close();
      }
    } finally {
      dir.cleanup();
    }
  });
});

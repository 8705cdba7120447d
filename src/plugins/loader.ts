/**
 * Loads the configured plugin modules at start. Every way a plugin can fail to
 * load (no such module, no default export, a factory that throws or returns
 * something that is not a plugin, a bad or repeated name) stops the start with
 * a PluginLoadError naming `plugins[i].module` and why: a plugin the operator
 * asked for is never silently left out.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../platform/logging/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import type { HooklinePlugin, PluginFactory } from './api.js';
import { PLUGIN_NAME, type PluginEntry } from './config.js';

export class PluginLoadError extends Error {
  override name = 'PluginLoadError';
}

export interface LoadedPlugin {
  /** From the config entry's `name`, else the plugin's own. */
  name: string;
  plugin: HooklinePlugin;
  entry: PluginEntry;
  log: Logger;
}

/** What `import()` is given: a file URL for paths (relative ones against `baseDir`), a package name as is. */
export function moduleSpecifier(module: string, baseDir: string): string {
  if (isAbsolute(module)) return pathToFileURL(module).href;
  if (module.startsWith('./') || module.startsWith('../')) return pathToFileURL(resolve(baseDir, module)).href;
  return module;
}

function isPlugin(p: unknown): p is HooklinePlugin {
  if (typeof p !== 'object' || p === null) return false;
  const o = p as Record<string, unknown>;
  return ['beforeCommit', 'afterCommit', 'close'].every((k) => o[k] === undefined || typeof o[k] === 'function');
}

async function loadOne(entry: PluginEntry, index: number, baseDir: string, log: Logger): Promise<LoadedPlugin> {
  const where = `plugins[${index}].module (${entry.module})`;
  let mod: { default?: unknown };
  try {
    mod = (await import(moduleSpecifier(entry.module, baseDir))) as { default?: unknown };
  } catch (err) {
    throw new PluginLoadError(`${where}: cannot be imported: ${errorMessage(err)}`);
  }
  if (typeof mod.default !== 'function') throw new PluginLoadError(`${where}: has no default export that is a function (the plugin factory)`);
  const factory = mod.default as PluginFactory;
  let plugin: unknown;
  try {
    plugin = await factory(entry.options, { log: log.child({ plugin: entry.name ?? `plugins[${index}]` }) });
  } catch (err) {
    throw new PluginLoadError(`${where}: the factory threw: ${errorMessage(err)}`);
  }
  if (!isPlugin(plugin)) throw new PluginLoadError(`${where}: the factory did not return a plugin (an object whose beforeCommit, afterCommit and close are functions when present)`);
  const name = entry.name ?? plugin.name;
  if (typeof name !== 'string' || !PLUGIN_NAME.test(name)) throw new PluginLoadError(`${where}: name ${JSON.stringify(name)} must be 1-63 letters, digits, ".", "_" or "-" (set plugins[${index}].name)`);
  return { name, plugin, entry, log: log.child({ plugin: name }) };
}

/**
 * Imports and builds the plugins in config order. On a failure, those already
 * built are closed before the error is thrown.
 */
export async function loadPlugins(entries: readonly PluginEntry[], o: { log: Logger; baseDir?: string }): Promise<LoadedPlugin[]> {
  const loaded: LoadedPlugin[] = [];
  try {
    for (const [i, entry] of entries.entries()) {
      const p = await loadOne(entry, i, o.baseDir ?? process.cwd(), o.log);
      loaded.push(p);
      if (loaded.filter((l) => l.name === p.name).length > 1) throw new PluginLoadError(`plugins[${i}].module (${entry.module}): name "${p.name}" is already taken by another plugin (set plugins[${i}].name)`);
    }
  } catch (err) {
    for (const p of loaded) await Promise.resolve(p.plugin.close?.()).catch(() => undefined);
    throw err;
  }
  return loaded;
}

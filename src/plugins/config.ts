/**
 * The `plugins` section of the configuration: the in-process plugins to load,
 * in the order their before-commit hooks run. Composed into the whole
 * configuration by src/app/config.ts. Loading the modules happens at start
 * (src/plugins/loader.ts), not here: reading the configuration runs no plugin code.
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { DeepReadonly } from '../platform/config/index.js';

/** Letters, digits, `.`, `_`, `-`: the name is a metric label, a log field and the key under `enrichment`. */
export const PLUGIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export const pluginEntrySchema = z.strictObject({
  /** A path to an ES module (relative to the configuration file's directory) or a package name. */
  module: z.string().min(1),
  /** Replaces the plugin's own `name` (to load one module twice, say). */
  name: z.string().regex(PLUGIN_NAME, 'must be 1-63 letters, digits, ".", "_" or "-"').optional(),
  /** Handed to the module's factory as is. */
  options: z.unknown().optional(),
  /** How long a change waits for this plugin's before-commit verdict; then it commits without it. */
  beforeCommitBudgetMs: z.number().int().positive().max(60_000).default(200),
  /** Committed batches waiting for this plugin's after-commit hook; more are dropped and counted. */
  afterCommitQueueCapacity: z.number().int().positive().default(1000),
});

export const pluginsSchema = z.array(pluginEntrySchema).default([]);

export type PluginEntry = DeepReadonly<z.infer<typeof pluginEntrySchema>>;

/** A path module (`./x.js`, `../x.js`) relative to the config file's directory, absolute; package names and URLs as they are. */
export function resolvePluginModule(module: string, baseDir: string): string {
  const relative = module.startsWith('./') || module.startsWith('../');
  return relative && !isAbsolute(module) ? resolve(baseDir, module) : module;
}

/** The entries with relative module paths made absolute against `baseDir` (the config file's directory). */
export function resolvePluginModules<T extends { module: string }>(entries: readonly T[], baseDir: string): T[] {
  return entries.map((e) => ({ ...e, module: resolvePluginModule(e.module, baseDir) }));
}

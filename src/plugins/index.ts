/**
 * In-process plugins: modules named in the configuration that see every change
 * of the live conversation model before it commits (veto, enrich) and the
 * committed events after (docs/plugins.md). The interface for plugin authors is
 * api.ts.
 */
export type * from './api.js';
export { pluginsSchema, resolvePluginModules, type PluginEntry } from './config.js';
export { loadPlugins, PluginLoadError, type LoadedPlugin } from './loader.js';
export { MAX_ENRICHMENT_BYTES, MAX_OVERDUE, PluginRunner, type PluginRunnerOptions } from './runner.js';

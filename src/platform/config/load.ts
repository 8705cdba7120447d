/**
 * Loads configuration: defaults < YAML file (--config or HOOKLINE_CONFIG) <
 * environment (HOOKLINE_SECTION__KEY_NAME, e.g. HOOKLINE_SERVER__PORT=9000).
 * Every problem is reported with the key, the reason and where the value came from.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Values applied last (used by CLI flags and tests). */
  overrides?: Record<string, unknown>;
}

const ENV_PREFIX = 'HOOKLINE_';
const ENV_ALIASES: Record<string, string[]> = {
  HOOKLINE_MASTER_KEY: ['security', 'masterKey'],
  HOOKLINE_DATABASE_URL: ['database'],
};
/** Set by `hookline serve` for its cluster workers (src/app/cluster.ts), not configuration. */
const NOT_CONFIG = new Set(['HOOKLINE_CONFIG', 'HOOKLINE_WORKER_INDEX']);

type Tree = Record<string, unknown>;

function camel(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function setPath(tree: Tree, path: string[], value: unknown): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Tree;
  }
  node[path[path.length - 1] as string] = value;
}

/** `key:` with everything under it commented out parses as null: treat it as not set. */
function dropNulls(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropNulls);
  if (typeof node !== 'object' || node === null) return node;
  const out: Tree = {};
  for (const [k, v] of Object.entries(node)) if (v !== null) out[k] = dropNulls(v);
  return out;
}

function readFile(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`config file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : String(err)}`]);
  }
  try {
    const doc: unknown = parseYaml(text) ?? {};
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError([`config file ${file}: top level must be a mapping`]);
    return dropNulls(doc) as Tree;
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const where = err.linePos?.[0] ? ` (line ${err.linePos[0].line}, column ${err.linePos[0].col})` : '';
      throw new ConfigError([`config file ${file}${where}: ${err.message.split('\n')[0]}`]);
    }
    throw err;
  }
}

interface EnvValue {
  path: string[];
  name: string;
  raw: string;
}

function envValues(env: NodeJS.ProcessEnv): EnvValue[] {
  const out: EnvValue[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined || NOT_CONFIG.has(name)) continue;
    const path = ENV_ALIASES[name] ?? name.slice(ENV_PREFIX.length).split('__').map(camel);
    out.push({ path, name, raw });
  }
  return out;
}

function scalar(raw: string): unknown {
  try {
    const v: unknown = parseYaml(raw);
    return v === null ? raw : v;
  } catch {
    return raw;
  }
}

function describe(issue: z.core.$ZodIssue, sources: Map<string, string>, file: string | undefined): string {
  const key = issue.path.map(String).join('.') || '(root)';
  let source = sources.get(key);
  for (let i = issue.path.length; !source && i > 0; i--) source = sources.get(issue.path.slice(0, i).map(String).join('.'));
  const from = source ?? (file ? `file ${file}` : 'defaults');
  let reason = issue.message;
  if (issue.code === 'unrecognized_keys') reason = `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `${key}: ${reason} (from ${from})`;
}

/** Loads `schema` from the sources above; the schema is the whole configuration, composed by the application. */
export function loadConfigFile<S extends z.ZodType>(schema: S, options: LoadOptions = {}): z.output<S> {
  const env = options.env ?? process.env;
  const file = options.file ?? env.HOOKLINE_CONFIG;
  const tree: Tree = file ? readFile(file) : {};
  const sources = new Map<string, string>();
  const fromEnv = envValues(env);
  for (const v of fromEnv) {
    setPath(tree, v.path, scalar(v.raw));
    sources.set(v.path.join('.'), `environment ${v.name}`);
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    setPath(tree, key.split('.'), value);
    sources.set(key, 'command line');
  }
  let result = schema.safeParse(tree);
  if (!result.success) {
    // An environment value that parsed as a number or boolean where a string is
    // wanted (an API key of digits, say) is retried as the literal text.
    let retried = false;
    for (const issue of result.error.issues) {
      const v = fromEnv.find((e) => e.path.join('.') === issue.path.join('.'));
      if (v && issue.code === 'invalid_type' && issue.expected === 'string') {
        setPath(tree, v.path, v.raw);
        retried = true;
      }
    }
    if (retried) result = schema.safeParse(tree);
  }
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => describe(i, sources, file)));
  return result.data;
}

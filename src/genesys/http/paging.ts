/**
 * Generic paging: pageNumber/nextUri entity listings and cursor listings.
 * Both are async iterables so callers stream instead of collecting.
 */
import type { EntityListing, Query } from '../models/common.js';
import type { ApiResponse, RequestOptions } from './transport.js';

export type Requester = <T>(method: string, path: string, opts?: RequestOptions) => Promise<ApiResponse<T>>;

export interface PageOptions {
  pageSize?: number;
  signal?: AbortSignal;
}

/**
 * Follows `nextUri` (what Genesys' own code does) and falls back to
 * pageNumber < pageCount for listings that omit it. A repeated `nextUri`
 * ends the walk instead of looping forever.
 */
export async function* paginateEntities<T>(request: Requester, path: string, query: Query = {}, opts: PageOptions = {}): AsyncGenerator<T> {
  let target = path;
  let q: Query | undefined = { pageSize: opts.pageSize ?? 100, pageNumber: 1, ...query };
  const visited = new Set<string>();
  for (;;) {
    const res: ApiResponse<EntityListing<T>> = await request<EntityListing<T>>('GET', target, { query: q, signal: opts.signal });
    const page: EntityListing<T> | undefined = res.body;
    const entities = page?.entities ?? [];
    yield* entities;
    if (page?.nextUri) {
      if (visited.has(page.nextUri)) return;
      visited.add(page.nextUri);
      target = page.nextUri;
      q = undefined; // nextUri carries its own query
      continue;
    }
    const n: number | undefined = page?.pageNumber;
    if (!page?.pageCount || !n || n >= page.pageCount || entities.length === 0) return;
    target = path;
    q = { pageSize: opts.pageSize ?? 100, ...query, pageNumber: n + 1 };
  }
}

/** Cursor listings (analytics job results): call again with `cursor` until it is absent. */
export async function* paginateCursor<P extends { cursor?: string }, T>(
  request: Requester,
  path: string,
  items: (page: P) => T[] | undefined,
  opts: PageOptions = {},
): AsyncGenerator<T> {
  let cursor: string | undefined;
  const seen = new Set<string>();
  do {
    const res = await request<P>('GET', path, { query: { pageSize: opts.pageSize, cursor }, signal: opts.signal });
    yield* (res.body ? (items(res.body) ?? []) : []);
    cursor = res.body?.cursor;
    if (cursor !== undefined && seen.has(cursor)) return;
    if (cursor !== undefined) seen.add(cursor);
  } while (cursor);
}

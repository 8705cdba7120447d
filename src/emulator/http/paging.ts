/**
 * The entity-listing envelope (Genesys Cloud docs, "Platform API: pagination"): pageSize/pageNumber in,
 * `entities, pageSize, pageNumber, total, pageCount` and relative
 * first/self/next/previous/last URIs out (next/previous absent at the ends).
 */
import { badRequest } from '../errors.js';
import { qInt, type Query } from './request.js';

export interface Page {
  pageSize: number;
  pageNumber: number;
}

export interface PagingRules {
  defaultPageSize: number;
  maxPageSize: number;
  overMax: 'reject' | 'clamp';
}

export function pageOf(query: Query, rules: PagingRules): Page {
  let pageSize = qInt(query, 'pageSize', rules.defaultPageSize);
  const pageNumber = qInt(query, 'pageNumber', 1);
  if (pageSize < 1) throw badRequest(`pageSize must be at least 1 (got ${pageSize})`, 'invalid.value', [{ fieldName: 'pageSize' }]);
  if (pageNumber < 1) throw badRequest(`pageNumber must be at least 1 (got ${pageNumber})`, 'invalid.value', [{ fieldName: 'pageNumber' }]);
  if (pageSize > rules.maxPageSize) {
    if (rules.overMax === 'reject') throw badRequest(`pageSize must be at most ${rules.maxPageSize} (got ${pageSize})`, 'invalid.value', [{ fieldName: 'pageSize' }]);
    pageSize = rules.maxPageSize;
  }
  return { pageSize, pageNumber };
}

/** `keep` lists query parameters (besides paging) that the URIs should carry. */
export function listing<T>(items: T[], page: Page, path: string, query: Query = {}, keep: string[] = []): Record<string, unknown> {
  const total = items.length;
  const pageCount = Math.ceil(total / page.pageSize);
  const start = (page.pageNumber - 1) * page.pageSize;
  const extra = keep
    .flatMap((k) => {
      const v = query[k];
      return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => `&${encodeURIComponent(k)}=${encodeURIComponent(x)}`);
    })
    .join('');
  const uri = (n: number) => `${path}?pageSize=${page.pageSize}&pageNumber=${n}${extra}`;
  const out: Record<string, unknown> = {
    entities: items.slice(start, start + page.pageSize),
    pageSize: page.pageSize,
    pageNumber: page.pageNumber,
    total,
    pageCount,
    firstUri: uri(1),
    selfUri: uri(page.pageNumber),
    lastUri: uri(Math.max(1, pageCount)),
  };
  if (page.pageNumber < pageCount) out.nextUri = uri(page.pageNumber + 1);
  if (page.pageNumber > 1 && page.pageNumber <= pageCount + 1) out.previousUri = uri(page.pageNumber - 1);
  return out;
}

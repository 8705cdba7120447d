/**
 * Counts and times every HTTP request the Genesys client sends, by kind, as
 * a `fetch` wrapper. Only Platform API calls (`/api/v2/…`) are budgeted:
 * the token request and pre-signed media downloads are not (the emulator,
 * like Genesys, rate-limits API routes only).
 */
import { performance } from 'node:perf_hooks';

export interface Sent {
  /** performance.now() when the request left. */
  at: number;
  kind: string;
  status: number;
  /** Until the response head arrived. */
  ms: number;
  budgeted: boolean;
}

const KINDS: [RegExp, string][] = [
  [/\/login\//, 'login'],
  [/\/media\//, 'media download'],
  [/\/details\/query$/, 'details query'],
  [/\/details\/jobs\/availability$/, 'job availability'],
  [/\/details\/jobs\/[^/]+\/results$/, 'job results page'],
  [/\/details\/jobs\/[^/]+$/, 'job status'],
  [/\/details\/jobs$/, 'job submit'],
  [/\/analytics\/conversations\/[^/]+\/details$/, 'conversation details'],
  [/\/recordings\/[^/]+$/, 'recording'],
  [/\/recordings$/, 'recordings list'],
  [/\/groups\//, 'group members'],
];

export function kindOf(url: string): string {
  const path = new URL(url).pathname;
  return KINDS.find(([re]) => re.test(path))?.[1] ?? path.replace(/^\/r\/[^/]+/, '');
}

export class RequestMeter {
  readonly sent: Sent[] = [];

  readonly fetch: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const at = performance.now();
    const res = await globalThis.fetch(input, init);
    this.sent.push({ at, kind: kindOf(url), status: res.status, ms: performance.now() - at, budgeted: url.includes('/api/v2/') });
    return res;
  };

  budgeted(from = -Infinity, to = Infinity): Sent[] {
    return this.sent.filter((s) => s.budgeted && s.at >= from && s.at < to);
  }

  /** Count and total ms per kind. */
  byKind(): Map<string, { n: number; ms: number }> {
    const out = new Map<string, { n: number; ms: number }>();
    for (const s of this.sent) {
      const k = out.get(s.kind) ?? { n: 0, ms: 0 };
      k.n++;
      k.ms += s.ms;
      out.set(s.kind, k);
    }
    return out;
  }
}

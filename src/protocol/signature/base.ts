/**
 * Signature base construction for AudioHook's HTTP message signatures
 * (draft-ietf-httpbis-message-signatures-11 as used by Genesys; Genesys AudioHook protocol docs, "Authentication").
 */
import { serializeInnerList, type InnerList, type Item, type Parameters } from 'structured-headers';

/** Components Genesys covers, in the order it lists them. All are required. */
export const AUDIOHOOK_COMPONENTS = [
  '@request-target',
  '@authority',
  'audiohook-organization-id',
  'audiohook-session-id',
  'audiohook-correlation-id',
  'x-api-key',
] as const;

export interface SignatureParams {
  keyid: string;
  nonce: string;
  alg: string;
  created: number;
  expires: number;
}

/** What the base needs from the request: the target, the authority and the headers (lower-case names). */
export interface SignedRequestParts {
  requestTarget: string;
  authority: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Host as signed: lower-case, default ports removed. */
export function normalizeAuthority(host: string): string {
  return host.trim().toLowerCase().replace(/:(443|80)$/, '');
}

/** Header value as signed: trimmed, obsolete line folding collapsed, repeats joined with ", ". */
export function canonicalHeader(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? value : [value];
  return values.map((v) => v.replace(/\s*\r?\n[ \t]+/g, ' ').trim()).join(', ');
}

export function buildInnerList(components: readonly string[], params: SignatureParams): InnerList {
  const items: Item[] = components.map((c) => [c, new Map()]);
  const p: Parameters = new Map<string, string | number>([
    ['keyid', params.keyid],
    ['nonce', params.nonce],
    ['alg', params.alg],
    ['created', params.created],
    ['expires', params.expires],
  ]);
  return [items, p];
}

/**
 * Builds the signature base. Returns undefined when a covered header is absent.
 * `signatureParams` is the serialized inner list exactly as it goes on the last line.
 */
export function signatureBase(parts: SignedRequestParts, components: readonly string[], signatureParams: string): string | undefined {
  const lines: string[] = [];
  for (const name of components) {
    let value: string | undefined;
    if (name === '@request-target') value = parts.requestTarget;
    else if (name === '@authority') value = normalizeAuthority(parts.authority);
    else if (name.startsWith('@')) return undefined;
    else value = canonicalHeader(parts.headers[name]);
    if (value === undefined) return undefined;
    lines.push(`"${name}": ${value}`);
  }
  lines.push(`"@signature-params": ${signatureParams}`);
  return lines.join('\n');
}

export function serializeParams(components: readonly string[], params: SignatureParams): string {
  return serializeInnerList(buildInnerList(components, params));
}

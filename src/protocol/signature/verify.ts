/**
 * Verifies an AudioHook upgrade request: API key plus HTTP message signature
 * (Genesys AudioHook protocol docs, "Authentication"). Pure except for `randomBytes` used to spend the same
 * HMAC work on unknown keys; the adapter adds the uniform failure delay.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseDictionary, serializeInnerList, type InnerList } from 'structured-headers';
import { AUDIOHOOK_COMPONENTS, canonicalHeader, signatureBase, type SignedRequestParts } from './base.js';
import type { NonceCache } from './nonce-cache.js';

export type SignatureFailure =
  | 'missing-api-key'
  | 'unknown-api-key'
  | 'missing-signature'
  | 'malformed-signature'
  | 'missing-components'
  | 'keyid-mismatch'
  | 'unsupported-alg'
  | 'short-nonce'
  | 'created-in-future'
  | 'expired'
  | 'replayed-nonce'
  | 'mismatch';

export type VerifyResult =
  /** `nonce` and `until` (seconds) let a caller also remember the nonce in a cache shared by replicas. */
  | { ok: true; apiKey: string; signed: boolean; nonce?: string; until?: number }
  | { ok: false; reason: SignatureFailure; apiKey?: string };

export interface KeyLookup {
  /** The decoded client secret; an empty buffer means unsigned requests are allowed for this key. */
  (apiKey: string): { secret: Buffer } | undefined;
}

export interface VerifyOptions {
  lookup: KeyLookup;
  nowSeconds: number;
  clockSkewSeconds: number;
  maxAgeSeconds: number;
  minNonceLength: number;
  nonceCache?: NonceCache;
}

const ALLOWED_PARAMS = new Set(['keyid', 'nonce', 'alg', 'created', 'expires']);
const SIGNATURE_BYTES = 32;
// HMAC key used for unknown API keys so they cost the same work as known ones.
const BAD_KEY = randomBytes(32);

interface ParsedSignature {
  components: string[];
  params: Map<string, unknown>;
  serializedParams: string;
  signature: Buffer;
}

function parse(input: string, signature: string): ParsedSignature | undefined {
  let inputs, sigs;
  try {
    inputs = parseDictionary(input);
    sigs = parseDictionary(signature);
  } catch {
    return undefined;
  }
  const first = inputs.entries().next();
  if (first.done) return undefined;
  const [label, member] = first.value;
  const sig = sigs.get(label);
  if (!Array.isArray(member[0]) || sig === undefined || Array.isArray(sig[0])) return undefined;
  const inner = member as InnerList;
  if (!inner[0].every((item) => typeof item[0] === 'string')) return undefined;
  const value = sig[0];
  if (!(value instanceof ArrayBuffer)) return undefined;
  return {
    components: inner[0].map((item) => item[0] as string),
    params: inner[1] as Map<string, unknown>,
    serializedParams: serializeInnerList(inner),
    signature: Buffer.from(value),
  };
}

function checkParams(p: ParsedSignature, apiKey: string, o: VerifyOptions): SignatureFailure | undefined {
  for (const k of p.params.keys()) if (!ALLOWED_PARAMS.has(k)) return 'malformed-signature';
  const { keyid, nonce, alg, created, expires } = Object.fromEntries(p.params) as Record<string, unknown>;
  if (typeof keyid !== 'string' || typeof nonce !== 'string' || typeof alg !== 'string') return 'malformed-signature';
  if (!Number.isInteger(created) || !Number.isInteger(expires)) return 'malformed-signature';
  if (!AUDIOHOOK_COMPONENTS.every((c) => p.components.includes(c))) return 'missing-components';
  if (keyid !== apiKey) return 'keyid-mismatch';
  if (alg !== 'hmac-sha256') return 'unsupported-alg';
  if (nonce.length < o.minNonceLength) return 'short-nonce';
  if ((created as number) > o.nowSeconds + o.clockSkewSeconds) return 'created-in-future';
  if (o.nowSeconds - (created as number) > o.maxAgeSeconds + o.clockSkewSeconds) return 'expired';
  if ((expires as number) + o.clockSkewSeconds < o.nowSeconds) return 'expired';
  return undefined;
}

/** Verifies the request; never throws on hostile input. */
export function verifyRequest(req: SignedRequestParts, o: VerifyOptions): VerifyResult {
  const apiKey = canonicalHeader(req.headers['x-api-key']);
  if (!apiKey) return { ok: false, reason: 'missing-api-key' };
  const entry = o.lookup(apiKey);
  const input = canonicalHeader(req.headers['signature-input']);
  const signature = canonicalHeader(req.headers['signature']);

  if (input === undefined && signature === undefined) {
    if (!entry) return { ok: false, reason: 'unknown-api-key', apiKey };
    return entry.secret.length === 0 ? { ok: true, apiKey, signed: false } : { ok: false, reason: 'missing-signature', apiKey };
  }
  if (input === undefined || signature === undefined) return { ok: false, reason: 'malformed-signature', apiKey };
  const parsed = parse(input, signature);
  if (!parsed) return { ok: false, reason: 'malformed-signature', apiKey };
  const paramError = checkParams(parsed, apiKey, o);
  if (paramError) return { ok: false, reason: paramError, apiKey };
  // A key configured without a secret accepts requests on the key alone, signed or not.
  if (entry && entry.secret.length === 0) return { ok: true, apiKey, signed: false };

  const base = signatureBase(req, parsed.components, parsed.serializedParams);
  if (base === undefined) return { ok: false, reason: 'missing-components', apiKey };
  const expected = createHmac('sha256', entry ? entry.secret : BAD_KEY).update(base, 'utf8').digest();
  // Length first: timingSafeEqual throws on unequal lengths (a REF bug).
  const same = parsed.signature.length === SIGNATURE_BYTES && timingSafeEqual(parsed.signature, expected);
  if (!entry) return { ok: false, reason: 'unknown-api-key', apiKey };
  if (!same) return { ok: false, reason: 'mismatch', apiKey };

  const nonce = parsed.params.get('nonce') as string;
  const created = parsed.params.get('created') as number;
  const expires = parsed.params.get('expires') as number;
  const until = Math.min(expires, created + o.maxAgeSeconds) + o.clockSkewSeconds;
  if (o.nonceCache && !o.nonceCache.remember(apiKey, nonce, until, o.nowSeconds)) {
    return { ok: false, reason: 'replayed-nonce', apiKey };
  }
  return { ok: true, apiKey, signed: true, nonce, until };
}

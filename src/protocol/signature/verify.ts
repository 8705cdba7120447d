/**
 * Verifies an AudioHook upgrade request: API key plus HTTP message signature
 * (Genesys AudioHook protocol docs, "Authentication"). Pure except for `randomBytes` used to spend the same
 * HMAC work on unknown keys; the adapter adds the uniform failure delay.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseDictionary, serializeInnerList, type InnerList, type Item, type Parameters } from 'structured-headers';
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

export type VerifyResult<E extends KeyEntry = KeyEntry> =
  /**
   * `entry` is what `lookup` returned for the key. `nonce` and `until` (seconds) let a caller also remember
   * the nonce in a cache shared by replicas.
   */
  | { ok: true; apiKey: string; entry: E; signed: boolean; nonce?: string; until?: number }
  | { ok: false; reason: SignatureFailure; apiKey?: string };

export interface KeyEntry {
  /** The decoded client secret; an empty buffer means unsigned requests are allowed for this key. */
  secret: Buffer;
}

export type KeyLookup<E extends KeyEntry = KeyEntry> = (apiKey: string) => E | undefined;

export interface VerifyOptions<E extends KeyEntry = KeyEntry> {
  lookup: KeyLookup<E>;
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

/** The signature parameters RFC 9421 ("HTTP Message Signatures", section 2.3) defines and AudioHook requires. */
interface SignatureParams {
  keyid: string;
  nonce: string;
  alg: string;
  created: number;
  expires: number;
}

interface ParsedSignature {
  components: string[];
  params: SignatureParams;
  serializedParams: string;
  signature: Buffer;
}

function isInnerList(member: Item | InnerList): member is InnerList {
  return Array.isArray(member[0]);
}

function readParams(params: Parameters): SignatureParams | undefined {
  for (const k of params.keys()) if (!ALLOWED_PARAMS.has(k)) return undefined;
  const keyid = params.get('keyid');
  const nonce = params.get('nonce');
  const alg = params.get('alg');
  const created = params.get('created');
  const expires = params.get('expires');
  if (typeof keyid !== 'string' || typeof nonce !== 'string' || typeof alg !== 'string') return undefined;
  if (typeof created !== 'number' || !Number.isInteger(created) || typeof expires !== 'number' || !Number.isInteger(expires)) return undefined;
  return { keyid, nonce, alg, created, expires };
}

function readComponents(items: Item[]): string[] | undefined {
  const components: string[] = [];
  for (const [name] of items) {
    if (typeof name !== 'string') return undefined;
    components.push(name);
  }
  return components;
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
  if (!isInnerList(member) || sig === undefined || isInnerList(sig)) return undefined;
  const components = readComponents(member[0]);
  if (!components) return undefined;
  const value = sig[0];
  if (!(value instanceof ArrayBuffer)) return undefined;
  const params = readParams(member[1]);
  if (!params) return undefined;
  return { components, params, serializedParams: serializeInnerList(member), signature: Buffer.from(value) };
}

function checkParams(p: ParsedSignature, apiKey: string, o: VerifyOptions): SignatureFailure | undefined {
  const { keyid, nonce, alg, created, expires } = p.params;
  if (!AUDIOHOOK_COMPONENTS.every((c) => p.components.includes(c))) return 'missing-components';
  if (keyid !== apiKey) return 'keyid-mismatch';
  if (alg !== 'hmac-sha256') return 'unsupported-alg';
  if (nonce.length < o.minNonceLength) return 'short-nonce';
  if (created > o.nowSeconds + o.clockSkewSeconds) return 'created-in-future';
  if (o.nowSeconds - created > o.maxAgeSeconds + o.clockSkewSeconds) return 'expired';
  if (expires + o.clockSkewSeconds < o.nowSeconds) return 'expired';
  return undefined;
}

/** Verifies the request; never throws on hostile input. */
export function verifyRequest<E extends KeyEntry>(req: SignedRequestParts, o: VerifyOptions<E>): VerifyResult<E> {
  const apiKey = canonicalHeader(req.headers['x-api-key']);
  if (!apiKey) return { ok: false, reason: 'missing-api-key' };
  const entry = o.lookup(apiKey);
  const input = canonicalHeader(req.headers['signature-input']);
  const signature = canonicalHeader(req.headers['signature']);

  if (input === undefined && signature === undefined) {
    if (!entry) return { ok: false, reason: 'unknown-api-key', apiKey };
    return entry.secret.length === 0 ? { ok: true, apiKey, entry, signed: false } : { ok: false, reason: 'missing-signature', apiKey };
  }
  if (input === undefined || signature === undefined) return { ok: false, reason: 'malformed-signature', apiKey };
  const parsed = parse(input, signature);
  if (!parsed) return { ok: false, reason: 'malformed-signature', apiKey };
  const paramError = checkParams(parsed, apiKey, o);
  if (paramError) return { ok: false, reason: paramError, apiKey };
  // A key configured without a secret accepts requests on the key alone, signed or not.
  if (entry && entry.secret.length === 0) return { ok: true, apiKey, entry, signed: false };

  const base = signatureBase(req, parsed.components, parsed.serializedParams);
  if (base === undefined) return { ok: false, reason: 'missing-components', apiKey };
  const expected = createHmac('sha256', entry ? entry.secret : BAD_KEY).update(base, 'utf8').digest();
  // Length first: timingSafeEqual throws on unequal lengths (a REF bug).
  const same = parsed.signature.length === SIGNATURE_BYTES && timingSafeEqual(parsed.signature, expected);
  if (!entry) return { ok: false, reason: 'unknown-api-key', apiKey };
  if (!same) return { ok: false, reason: 'mismatch', apiKey };

  const { nonce, created, expires } = parsed.params;
  const until = Math.min(expires, created + o.maxAgeSeconds) + o.clockSkewSeconds;
  if (o.nonceCache && !o.nonceCache.remember(apiKey, nonce, until, o.nowSeconds)) {
    return { ok: false, reason: 'replayed-nonce', apiKey };
  }
  return { ok: true, apiKey, entry, signed: true, nonce, until };
}

/**
 * Signs an AudioHook upgrade request the way Genesys does (used by the simulator
 * and the emulator's dial-out).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { AUDIOHOOK_COMPONENTS, serializeParams, signatureBase, type SignedRequestParts } from './base.js';

export interface SignOptions {
  apiKey: string;
  /** Base64 client secret, as configured on the Genesys integration. */
  clientSecret: string;
  nowSeconds: number;
  lifetimeSeconds?: number;
  nonce?: string;
  created?: number;
  expires?: number;
  label?: string;
}

export interface SignatureHeaders {
  'signature-input': string;
  signature: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function signRequest(parts: SignedRequestParts, o: SignOptions): SignatureHeaders {
  const created = o.created ?? Math.floor(o.nowSeconds);
  const params = {
    keyid: o.apiKey,
    nonce: o.nonce ?? newNonce(),
    alg: 'hmac-sha256',
    created,
    expires: o.expires ?? created + (o.lifetimeSeconds ?? 30),
  };
  const serialized = serializeParams(AUDIOHOOK_COMPONENTS, params);
  const base = signatureBase(parts, AUDIOHOOK_COMPONENTS, serialized);
  if (base === undefined) throw new Error('cannot sign: a covered header is missing');
  const mac = createHmac('sha256', Buffer.from(o.clientSecret, 'base64')).update(base, 'utf8').digest('base64');
  const label = o.label ?? 'sig1';
  return { 'signature-input': `${label}=${serialized}`, signature: `${label}=:${mac}:` };
}

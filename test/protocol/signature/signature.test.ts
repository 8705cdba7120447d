import { describe, expect, it } from 'vitest';
import { NonceCache, signRequest, verifyRequest, type SignedRequestParts, type VerifyOptions } from '../../../src/protocol/signature/index.js';

// The documented Genesys example (audiohook.md §1.3 item 10; session and correlation ids in the corrected order).
const VECTOR = {
  target: '/api/v1/voicebiometrics/ws',
  host: 'audiohook.example.com',
  org: 'd7934305-0972-4844-938e-9060eef73d05',
  session: '30b0e395-84d3-4570-ac13-9a62d8f514c0',
  correlation: 'e160e428-53e2-487c-977d-96989bf5c99d',
  apiKey: 'SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh',
  secret: 'TXlTdXBlclNlY3JldEtleVRlbGxOby0xITJAMyM0JDU=',
  input:
    'sig1=("@request-target" "@authority" "audiohook-organization-id" "audiohook-session-id" "audiohook-correlation-id" "x-api-key");keyid="SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh";nonce="VGhpc0lzQVVuaXF1ZU5vbmNl";alg="hmac-sha256";created=1641013200;expires=3282026430',
  signature: 'sig1=:NZBwyBHRRyRoeLqy1IzOa9VYBuI8TgMFt2GRDkDuJh4=:',
  created: 1641013200,
};

function vectorRequest(overrides: Record<string, string | undefined> = {}): SignedRequestParts {
  const headers: Record<string, string | undefined> = {
    'audiohook-organization-id': VECTOR.org,
    'audiohook-session-id': VECTOR.session,
    'audiohook-correlation-id': VECTOR.correlation,
    'x-api-key': VECTOR.apiKey,
    'signature-input': VECTOR.input,
    signature: VECTOR.signature,
    ...overrides,
  };
  return { requestTarget: VECTOR.target, authority: VECTOR.host, headers };
}

function options(over: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    lookup: (k) => (k === VECTOR.apiKey ? { secret: Buffer.from(VECTOR.secret, 'base64') } : undefined),
    nowSeconds: VECTOR.created + 1,
    clockSkewSeconds: 5,
    maxAgeSeconds: 10,
    minNonceLength: 22,
    ...over,
  };
}

describe('HTTP message signature', () => {
  it('verifies the documented test vector', () => {
    expect(verifyRequest(vectorRequest(), options())).toEqual({ ok: true, apiKey: VECTOR.apiKey, entry: { secret: Buffer.from(VECTOR.secret, 'base64') }, signed: true, nonce: expect.any(String), until: expect.any(Number) });
  });

  it('produces the documented signature when signing the same request', () => {
    const { signature, 'signature-input': input } = signRequest(vectorRequest(), {
      apiKey: VECTOR.apiKey,
      clientSecret: VECTOR.secret,
      nowSeconds: VECTOR.created,
      nonce: 'VGhpc0lzQVVuaXF1ZU5vbmNl',
      expires: 3282026430,
    });
    expect(input).toBe(VECTOR.input);
    expect(signature).toBe(VECTOR.signature);
  });

  it('rejects a tampered header, wrong host, swapped ids and a forged signature', () => {
    expect(verifyRequest(vectorRequest({ 'audiohook-session-id': VECTOR.correlation, 'audiohook-correlation-id': VECTOR.session }), options())).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyRequest({ ...vectorRequest(), authority: 'evil.example.com' }, options())).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyRequest(vectorRequest({ signature: 'sig1=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:' }), options())).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('fails cleanly (no throw) on a signature of the wrong length', () => {
    expect(verifyRequest(vectorRequest({ signature: 'sig1=:AAAA:' }), options())).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('rejects expired, future and replayed signatures', () => {
    expect(verifyRequest(vectorRequest(), options({ nowSeconds: VECTOR.created + 60 }))).toMatchObject({ reason: 'expired' });
    expect(verifyRequest(vectorRequest(), options({ nowSeconds: VECTOR.created - 60 }))).toMatchObject({ reason: 'created-in-future' });
    const cache = new NonceCache();
    expect(verifyRequest(vectorRequest(), options({ nonceCache: cache })).ok).toBe(true);
    expect(verifyRequest(vectorRequest(), options({ nonceCache: cache }))).toMatchObject({ reason: 'replayed-nonce' });
  });

  it('treats unknown keys, missing keys and unsigned requests by the key policy', () => {
    expect(verifyRequest(vectorRequest({ 'x-api-key': 'nope' }), options())).toMatchObject({ reason: 'keyid-mismatch' });
    expect(verifyRequest(vectorRequest({ 'x-api-key': undefined }), options())).toMatchObject({ reason: 'missing-api-key' });
    const unsigned = vectorRequest({ signature: undefined, 'signature-input': undefined });
    expect(verifyRequest(unsigned, options())).toMatchObject({ reason: 'missing-signature' });
    expect(verifyRequest(unsigned, options({ lookup: () => ({ secret: Buffer.alloc(0) }) }))).toMatchObject({ ok: true, signed: false });
    expect(verifyRequest(unsigned, options({ lookup: () => undefined }))).toMatchObject({ reason: 'unknown-api-key' });
  });

  it('rejects malformed structured fields, a short nonce and extra parameters', () => {
    expect(verifyRequest(vectorRequest({ 'signature-input': 'sig1=(((' }), options())).toMatchObject({ reason: 'malformed-signature' });
    expect(verifyRequest(vectorRequest({ signature: undefined }), options())).toMatchObject({ reason: 'malformed-signature' });
    const short = VECTOR.input.replace('VGhpc0lzQVVuaXF1ZU5vbmNl', 'short');
    expect(verifyRequest(vectorRequest({ 'signature-input': short }), options())).toMatchObject({ reason: 'short-nonce' });
    expect(verifyRequest(vectorRequest({ 'signature-input': VECTOR.input + ';tag="x"' }), options())).toMatchObject({ reason: 'malformed-signature' });
    const missing = VECTOR.input.replace(' "x-api-key"', '');
    expect(verifyRequest(vectorRequest({ 'signature-input': missing }), options())).toMatchObject({ reason: 'missing-components' });
  });

  it('normalizes the authority (case, default port) before signing', () => {
    expect(verifyRequest({ ...vectorRequest(), authority: 'AudioHook.Example.com:443' }, options()).ok).toBe(true);
  });
});

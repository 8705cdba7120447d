/**
 * Signatures are what a receiver's Standard Webhooks library accepts, and
 * nothing else: the `standardwebhooks` package verifies them here.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { signedHeaders, webhookId } from '../../src/webhooks/index.js';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const body = JSON.stringify({ version: 1, type: 'agent.connected', seq: 3 });

describe('Standard Webhooks signing', () => {
  it('is verified by the standardwebhooks library', () => {
    const ts = Math.floor(Date.now() / 1000);
    const headers = signedHeaders(secret, 'msg_1', ts, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  });

  it('fails verification with a tampered body, timestamp or id, or another secret', () => {
    const ts = Math.floor(Date.now() / 1000);
    const headers = signedHeaders(secret, 'msg_1', ts, body);
    const w = new Webhook(secret);
    expect(() => w.verify(body.replace('3', '4'), headers)).toThrow(/signature/i);
    expect(() => w.verify(body, { ...headers, 'webhook-timestamp': String(ts - 1) })).toThrow(/signature/i);
    expect(() => w.verify(body, { ...headers, 'webhook-id': 'msg_2' })).toThrow(/signature/i);
    expect(() => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(body, headers)).toThrow(/signature/i);
  });

  it('webhook-id is stable per event and endpoint, and differs across them', () => {
    const id = webhookId('org', 'crm', 'c1', 1);
    expect(webhookId('org', 'crm', 'c1', 1)).toBe(id);
    expect(new Set([id, webhookId('org', 'crm', 'c1', 2), webhookId('org', 'other', 'c1', 1), webhookId('org', 'crm', 'c2', 1), webhookId('org2', 'crm', 'c1', 1)]).size).toBe(5);
  });
});

/**
 * The day segment every object key uses: UTC, zero-padded, slash-separated.
 */
import { describe, expect, it } from 'vitest';
import { recordingKey } from '../../../src/capture/index.js';
import { importKey } from '../../../src/ingest/index.js';
import { datePath } from '../../../src/platform/objects/index.js';

describe('datePath', () => {
  it('is the UTC day, zero-padded', () => {
    expect(datePath(new Date('2024-03-05T12:00:00Z'))).toBe('2024/03/05');
    expect(datePath(new Date('2024-12-31T23:59:59.999Z'))).toBe('2024/12/31');
  });

  it('takes the UTC day, not the local one, near midnight', () => {
    expect(datePath(new Date('2024-03-05T23:30:00-05:00'))).toBe('2024/03/06');
    expect(datePath(new Date('2024-03-06T00:30:00+02:00'))).toBe('2024/03/05');
  });

  it('is the day segment of recording and import keys alike', () => {
    const at = '2024-03-05T23:30:00-05:00';
    expect(recordingKey({ orgId: 'org', conversationId: 'conv', sessionId: 'sess', openedAt: at }, 'wav')).toBe('recordings/org/2024/03/06/conv/sess.wav');
    expect(importKey('org', at, 'conv', 'rec.wav')).toBe('imports/org/2024/03/06/conv/rec.wav');
  });
});

import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../../src/platform/util/error-message.js';

describe('errorMessage', () => {
  it('is the message of an Error, subclasses included', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage(new TypeError('bad type'))).toBe('bad type');
  });

  it('reads the message of an Error from another realm, and of an error-shaped object', () => {
    expect(errorMessage(runInNewContext('new Error("elsewhere")'))).toBe('elsewhere');
    expect(errorMessage({ message: 'shaped', code: 'E1' })).toBe('shaped');
  });

  it('turns anything else thrown into a string', () => {
    expect(errorMessage('plain string')).toBe('plain string');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(undefined)).toBe('undefined');
    expect(errorMessage(null)).toBe('null');
    expect(errorMessage({ message: 7 })).toBe('[object Object]');
  });
});

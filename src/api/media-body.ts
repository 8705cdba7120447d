/**
 * A route's binary answer and the one Range header form browsers send for it
 * (an <audio> element seeks with `bytes=N-`).
 */
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { ByteRange } from '../platform/objects/index.js';

/** A route's binary answer: registerRoutes streams it, honouring a Range header. */
export class MediaBody {
  constructor(
    readonly contentType: string,
    readonly size: number,
    readonly open: (range?: ByteRange) => Promise<Readable>,
  ) {}
}

/** What the response schema of a media route is: the handler's MediaBody (OpenAPI describes it from `produces`). */
export const mediaResponse = z.custom<MediaBody>((v) => v instanceof MediaBody);

export type RangeAnswer = { kind: 'full' } | { kind: 'partial'; range: ByteRange } | { kind: 'unsatisfiable' };

const BYTES_RANGE = /^bytes=(\d{0,15})-(\d{0,15})$/;

/**
 * One `bytes=` range of an object of `size` bytes (RFC 9110 section 14.2). A header
 * this does not understand (several ranges, another unit) is ignored and the
 * whole object sent, which the RFC allows; one past the end is 416.
 */
export function parseRange(header: string | undefined, size: number): RangeAnswer {
  const m = header === undefined ? null : BYTES_RANGE.exec(header.trim());
  if (!m || size === 0) return { kind: 'full' };
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return { kind: 'full' };
  if (a === '') {
    const suffix = Number(b);
    return suffix === 0 ? { kind: 'unsatisfiable' } : { kind: 'partial', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(a);
  const end = b === '' ? Infinity : Number(b);
  if (end < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', range: { start, end: Math.min(end, size - 1) } };
}


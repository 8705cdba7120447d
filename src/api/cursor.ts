/**
 * Opaque page cursors: the keyset position of the last item, as base64url
 * JSON. Opaque so the key can change without breaking clients; checked on the
 * way in, so a forged or truncated one is a 400 naming the field.
 */
import { z } from 'zod';
import { BadRequestError } from './errors.js';

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T extends z.ZodType>(field: string, cursor: string, shape: T): z.infer<T> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequestError(`${field}: not a cursor this API returned`);
  }
  const parsed = shape.safeParse(value);
  if (!parsed.success) throw new BadRequestError(`${field}: not a cursor this API returned`);
  return parsed.data;
}

/** (start, conversation id) of the conversations list. */
export const conversationKey = z.tuple([z.string().max(64), z.string().max(64)]);
/** (recorded at, conversation id, seq) of the event list. */
export const eventKey = z.tuple([z.string().max(64), z.string().max(64), z.int().min(0)]);
/** (last attempt, conversation id, seq, endpoint) of the webhook delivery log; also a delivery's id without the time. */
export const deliveryKey = z.tuple([z.string().max(64), z.string().max(64), z.int().min(0), z.string().max(200)]);
export const deliveryId = z.tuple([z.string().min(1).max(200), z.string().max(64), z.int().min(0)]);

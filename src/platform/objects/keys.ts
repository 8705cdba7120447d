/**
 * Pieces of object keys shared by every writer, so all stored objects sort and
 * list by day the same way.
 */

/** `yyyy/mm/dd` of `at` in UTC: the day segment of recording and import keys. */
export function datePath(at: Date): string {
  const yyyy = String(at.getUTCFullYear());
  const mm = String(at.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(at.getUTCDate()).padStart(2, '0');
  return `${yyyy}/${mm}/${dd}`;
}

/**
 * A secret for display: at most its last 4 characters and never more than a
 * quarter of it, so a short secret is not all but given away.
 */
export function mask(secret: string): string {
  const shown = Math.min(4, Math.floor(secret.length / 4));
  return shown === 0 ? '****' : `…${secret.slice(-shown)}`;
}

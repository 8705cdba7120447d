/** A connection URL fit for logs and errors: the user and password are replaced. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

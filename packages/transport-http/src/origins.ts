/** Which web pages may call: the endpoint's own origin, listed ones, and callers that are not browsers. */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  secure: boolean,
  allowed: ReadonlySet<string>,
): boolean {
  // No Origin: not a browser's cross-origin request (curl, Python, a server), which CORS does not govern.
  if (origin === undefined) return true;
  const o = origin.toLowerCase();
  if (allowed.has('*') || allowed.has(o)) return true;
  return host !== undefined && o === `${secure ? 'https' : 'http'}://${host.toLowerCase()}`;
}

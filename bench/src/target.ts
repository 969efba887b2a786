/** `unix:`/`tcp:` URL → what `net` takes. */
export function netTarget(url: URL): { path: string } | { host: string; port: number } {
  return url.protocol === 'unix:' ? { path: url.pathname } : { host: url.hostname, port: Number(url.port) };
}

/**
 * Endpoint URLs of the pipe transport:
 *
 *   fifo:///tmp/calc            a folder the server owns (0700) holding its FIFOs
 *   stdio:                      server: this process's stdin and stdout;
 *                               client: the transport's `command`
 *   stdio:<program>?arg=…       client: spawn <program> with those arguments
 */
import { join } from 'node:path';

/** The FIFO every client writes its opening line to, inside the server's folder. */
export const REQUESTS_FIFO = 'requests';

/** A client's id names its pair of FIFOs: letters, digits, `-` and `_`. */
const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isClientId(id: unknown): id is string {
  return typeof id === 'string' && CLIENT_ID.test(id);
}

/** Where a `fifo:` endpoint lives. */
export interface FifoPaths {
  /** The server's folder: the URL's path. */
  readonly dir: string;
  /** The well-known FIFO in it, where clients open connections. */
  readonly requests: string;
}

export function fifoPaths(url: URL): FifoPaths {
  if (url.protocol !== 'fifo:') throw new TypeError(`not a fifo URL: ${url.href}`);
  if (url.host !== '') throw new TypeError(`fifo URLs take an absolute path, as in fifo:///tmp/calc (got ${url.href})`);
  const dir = decodeURIComponent(url.pathname).replace(/\/+$/, '');
  if (dir === '') throw new TypeError(`fifo URL without a path: ${url.href}`);
  if (url.search !== '') throw new TypeError(`fifo URLs take no query: ${url.href}`);
  return { dir, requests: join(dir, REQUESTS_FIFO) };
}

/** One client's FIFOs: requests to the server (`.req`) and responses to the client (`.res`). */
export function pairPaths(dir: string, id: string): { req: string; res: string } {
  return { req: join(dir, `${id}.req`), res: join(dir, `${id}.res`) };
}

/** A file name in the server's folder that is (or was) one of a client's FIFOs. */
export const PAIR_FILE = /^[A-Za-z0-9_-]{1,64}\.(req|res)$/;

/** A server listens on `stdio:` and nothing else: its own stdin and stdout. */
export function checkStdioListenUrl(url: URL): void {
  if (url.href !== 'stdio:') {
    throw new TypeError(`a server listens on stdio: alone (its own stdin and stdout); ${url.href} names a command to spawn`);
  }
}

/**
 * The command a client spawns for `url`: the URL's own (`stdio:node?arg=alice.js`)
 * or, for a bare `stdio:`, the transport's `command` option.
 */
export function stdioCommand(url: URL, fallback: readonly string[] | undefined): readonly string[] {
  if (url.protocol !== 'stdio:') throw new TypeError(`not a stdio URL: ${url.href}`);
  if (url.host !== '') throw new TypeError(`stdio URLs name a program, as in stdio:node?arg=alice.js (got ${url.href})`);
  const program = decodeURIComponent(url.pathname);
  const params = new URLSearchParams(url.search);
  const unknown = [...params.keys()].filter((k) => k !== 'arg');
  if (unknown.length > 0) throw new TypeError(`stdio URLs take only arg= parameters (got ${unknown.join(', ')}): ${url.href}`);
  if (program !== '') return [program, ...params.getAll('arg')];
  if (params.has('arg')) throw new TypeError(`stdio URL with arguments but no program: ${url.href}`);
  if (fallback === undefined || fallback.length === 0) {
    throw new TypeError(
      "connect('stdio:') needs a command to spawn: pipeTransport({ command: ['node', 'alice.js'] }) or a URL like stdio:node?arg=alice.js",
    );
  }
  return fallback;
}

import { parseAddress, transportFor } from '../address.js';
import type { Middleware } from '../call.js';
import { DEFAULT_TIMEOUT_MS } from '../client/client.js';
import { RpcError } from '../error.js';
import { stderrLogger, type Logger } from '../logger.js';
import type { Connection, Listener, Transport } from '../transport.js';
import { Dispatcher } from './dispatcher.js';
import type { ServiceImplementation } from './implement.js';
import { Router } from './router.js';
import { ServerSession, type SessionOptions } from './session.js';

/** Options of {@link serve}. */
export interface ServeOptions {
  /** Endpoint URLs to listen on; one server may listen on several transports at once. */
  listen: readonly (string | URL)[];
  /** The transports to choose from, by each URL's scheme. */
  transports: readonly Transport[];
  /** Server middleware, outermost first. */
  middleware?: readonly Middleware[];
  /** Milliseconds a call may run when its request carries no deadline (30 s). `Infinity` for none. */
  defaultTimeout?: number;
  /** Calls in flight per connection before new ones get RESOURCE_EXHAUSTED (10,000). */
  maxInFlight?: number;
  /** Where crashes and refused peers are reported (stderr). */
  logger?: Logger;
}

/** A running server. */
export interface Server {
  /** The addresses actually bound, in the order of `listen`. */
  readonly urls: readonly URL[];
  /**
   * Stop: no new connections or calls; calls in flight get `graceMs`
   * (default 5,000) to finish, then are aborted and every connection closed.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Serve one or more service implementations on every address in `listen`.
 *
 * @example
 * const server = await serve(implement(Calculator, handlers), {
 *   listen: ['unix:///tmp/calc.sock', 'tcp://127.0.0.1:7070'],
 *   transports: [socketTransport()],
 * });
 */
export async function serve(
  services: ServiceImplementation | readonly ServiceImplementation[],
  options: ServeOptions,
): Promise<Server> {
  const implementations = Array.isArray(services) ? services : [services as ServiceImplementation];
  if (options.listen.length === 0) throw new TypeError('serve: listen needs at least one URL');
  const urls = options.listen.map(parseAddress);
  const transports = urls.map((u) => transportFor(u, options.transports));
  const sessionOptions: SessionOptions = {
    router: new Router(implementations),
    middleware: options.middleware ?? [],
    defaultTimeout: options.defaultTimeout ?? DEFAULT_TIMEOUT_MS,
    maxInFlight: options.maxInFlight ?? 10_000,
    logger: options.logger ?? stderrLogger,
  };
  const dispatcher = new Dispatcher(sessionOptions);
  const sessions = new Set<ServerSession>();
  let closing = false;
  const accept = (conn: Connection): ServerSession => {
    const session = new ServerSession(conn, sessionOptions, (s) => sessions.delete(s));
    sessions.add(session);
    if (closing) queueMicrotask(() => session.close());
    return session;
  };
  const listeners: Listener[] = [];
  try {
    for (const [i, url] of urls.entries()) {
      const transport = transports[i] as Transport;
      listeners.push(transport.kind === 'calls' ? await transport.listen(url, dispatcher) : await transport.listen(url, accept));
    }
  } catch (e) {
    await Promise.all(listeners.map((l) => l.close()));
    throw e;
  }
  return {
    urls: listeners.map((l) => l.url),
    async close({ graceMs = 5000 } = {}) {
      if (closing) return;
      closing = true;
      const stopped = Promise.all(listeners.map((l) => l.close()));
      const idle = Promise.all([dispatcher.shutdown(), ...[...sessions].map((s) => s.shutdown())]);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([idle, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
      dispatcher.abortAll(new RpcError('UNAVAILABLE', 'the server closed'));
      for (const s of [...sessions]) s.close();
      await stopped;
    },
  };
}

import { readFileSync } from 'node:fs';
import { parseAddress, transportFor } from '../address.js';
import type { Middleware } from '../call.js';
import type { Transport } from '../call-transport.js';
import { DEFAULT_TIMEOUT_MS } from '../client/client.js';
import { RpcError } from '../error.js';
import { stderrLogger, type Logger } from '../logger.js';
import type { Listener } from '../transport.js';
import { FrameConnections } from './connections.js';
import { Engine } from './engine.js';
import type { ServiceImplementation } from './implement.js';
import { MessageIntake } from './message-intake.js';
import { Router } from './router.js';
import type { SessionOptions } from './session.js';

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
  /**
   * Calls (notifications included) in flight per connection — per caller,
   * on a message medium — before new ones are refused with RESOURCE_EXHAUSTED (10,000).
   */
  maxInFlight?: number;
  /**
   * Connections open at once on the server's frame transports (sockets,
   * pipes, shared memory), all listeners together, before a new one is
   * refused with RESOURCE_EXHAUSTED and closed. By default 1,024, or three
   * quarters of the process's limit on open files when that is lower (read
   * on Linux), so that connections alone cannot take every descriptor.
   */
  maxConnections?: number;
  /**
   * Close a frame connection that has had no call in flight and no frame
   * for this long (milliseconds; `Infinity`, the default, never). Off by
   * default: closing an idle connection races with a request the client may
   * be sending at that moment, which then fails with UNAVAILABLE.
   */
  idleTimeoutMs?: number;
  /** Where crashes and refused peers are reported (stderr). */
  logger?: Logger;
}

/** A running server. */
export interface Server {
  /** The addresses actually bound, in the order of `listen`. */
  readonly urls: readonly URL[];
  /**
   * Stop: no new connections or calls; calls in flight get `graceMs`
   * (default 5,000) to finish, then are stopped and every connection closed.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** 1,024, or three quarters of the soft limit on open files when that is lower (Linux; elsewhere 1,024). */
export function defaultMaxConnections(): number {
  let limit = Infinity;
  try {
    const line = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (line !== null) limit = Number(line[1]);
  } catch {
    // not Linux: no way to ask from JavaScript
  }
  return Math.max(16, Math.min(1024, Math.floor(limit * 0.75)));
}

function positive(name: string, value: number, min: number): number {
  if (!(value >= min)) throw new TypeError(`serve: ${name} must be a number ≥ ${min} (got ${value})`);
  return value;
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
  const logger = options.logger ?? stderrLogger;
  const engine = new Engine({ router: new Router(implementations), middleware: options.middleware ?? [], logger });
  const sessionOptions: SessionOptions = {
    engine,
    defaultTimeout: positive('defaultTimeout', options.defaultTimeout ?? DEFAULT_TIMEOUT_MS, 1),
    maxInFlight: positive('maxInFlight', options.maxInFlight ?? 10_000, 1),
    logger,
  };
  const connections = new FrameConnections(
    sessionOptions,
    positive('maxConnections', options.maxConnections ?? defaultMaxConnections(), 1),
    positive('idleTimeoutMs', options.idleTimeoutMs ?? Infinity, 1),
  );
  const intakes: MessageIntake[] = [];
  const listeners: Listener[] = [];
  try {
    for (const [i, url] of urls.entries()) {
      const transport = transports[i] as Transport;
      if (transport.kind === 'calls') {
        listeners.push(await transport.listen(url, engine));
      } else if (transport.kind === 'messages') {
        const intake = new MessageIntake(sessionOptions, transport.maxFrameBytes);
        intakes.push(intake);
        listeners.push(await transport.listen(url, intake));
      } else {
        listeners.push(await transport.listen(url, connections.acceptor(transport.windows)));
      }
    }
  } catch (e) {
    await Promise.all(listeners.map((l) => l.close()));
    for (const intake of intakes) intake.close();
    connections.close();
    throw e;
  }
  let closing: Promise<void> | undefined;
  return {
    urls: listeners.map((l) => l.url),
    close({ graceMs = 5000 } = {}) {
      closing ??= (async () => {
        // Listeners stop taking connections and messages; message media wait for their deliveries to end.
        const stopped = Promise.all(listeners.map((l) => l.close()));
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([engine.shutdown(), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
        clearTimeout(timer);
        connections.close();
        for (const intake of intakes) intake.close();
        engine.stopAll(new RpcError('UNAVAILABLE', 'the server closed'));
        await stopped;
      })();
      return closing;
    },
  };
}

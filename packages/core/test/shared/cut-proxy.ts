/**
 * A TCP proxy whose connections a test can cut, as a dropped cable or a
 * restarted load balancer would: the server stays up, the client's
 * connection dies mid-call.
 */
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { connect, createClient, serve, type Transport } from '@interoffice/core';
import { Conformance, conformanceImpl, ServerState } from '@interoffice/core/conformance';

export class CutProxy {
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();
  /** Connections made through the proxy so far. */
  connections = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Listen on a free loopback port, forwarding each connection to `port`. */
  static async start(port: number): Promise<CutProxy> {
    const server = createServer();
    const proxy = new CutProxy(server);
    server.on('connection', (client) => {
      proxy.connections++;
      const upstream = netConnect(port, '127.0.0.1');
      const pair: [Socket, Socket] = [client, upstream];
      proxy.#pairs.add(pair);
      client.pipe(upstream).pipe(client);
      const drop = (): void => {
        proxy.#pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    const a = this.#server.address();
    if (a === null || typeof a === 'string') throw new Error('proxy not listening');
    return a.port;
  }

  /** Reset every connection through the proxy now (both ends see it die). */
  cut(): void {
    for (const [client, upstream] of [...this.#pairs]) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    this.#pairs.clear();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/**
 * The conformance service served at `listen`, a cut proxy in front of it, and a typed client
 * connected through the proxy (the server's URL with the proxy's port); each is closed by a
 * function pushed onto `cleanups`.
 */
export async function conformanceBehindCutProxy(listen: string, transports: Transport[], cleanups: (() => unknown)[]) {
  const quiet = { warn: () => {}, error: () => {} };
  const state = new ServerState();
  const server = await serve(conformanceImpl(state), { listen: [listen], transports, logger: quiet });
  cleanups.push(() => server.close({ graceMs: 0 }));
  const url = new URL((server.urls[0] as URL).href);
  const proxy = await CutProxy.start(Number(url.port));
  cleanups.push(() => proxy.close());
  url.port = String(proxy.port);
  const channel = await connect(url.href, { transports });
  cleanups.push(() => channel.close());
  return { state, proxy, client: createClient(Conformance, channel) };
}

/** Test helpers: fresh queue URLs on the shared broker, the Jobs service, worker processes. */
import { execFileSync } from 'node:child_process';
import {
  createServer as createNetServer,
  connect as netConnect,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { inject } from 'vitest';
import { WorkerProcess as SharedWorker } from '../../core/test/shared/message-peers.js';

export { Jobs, jobs, sleep, until, type Seen } from '../../core/test/shared/message-peers.js';

/** A worker process serving Jobs over the built AMQP transport (core's shared message-worker.mjs). */
export const WorkerProcess = {
  start: (url: string, label: string, options: object = {}): Promise<SharedWorker> =>
    SharedWorker.jobs(new URL('../dist/index.js', import.meta.url).pathname, 'amqpTransport', url, label, options),
};
export type WorkerProcess = SharedWorker;

/** The broker every test uses: AMQP_URL, else RabbitMQ on 127.0.0.1:5672 as guest. */
export const amqpUrl: string = process.env.AMQP_URL ?? 'amqp://127.0.0.1:5672';

const runId: string = inject('runId');
let n = 0;
/** A URL naming a queue no other test (nor engineer sharing the broker) uses. */
export function queueUrl(base: string = amqpUrl, query = ''): string {
  return `${base}/io-${runId}-${process.pid}-${n++}${query}`;
}

// The seed's calculator, as the Python peers know it: the one every transport's tests share.
export { AliceBroke, Calculator, calculator } from '@interoffice/core/conformance';

export { python, pythonExample } from '../../core/test/shared/python-worker.js';

/**
 * Close, on the broker, the connections of `role` (client, worker, events)
 * to `url`'s queue — as a broker restart would, without restarting the
 * broker other tests share. Resolves with how many were closed.
 */
export function dropConnections(url: string, role: string): number {
  const rows = execFileSync('rabbitmqctl', ['list_connections', '--quiet', '--no-table-headers', 'pid', 'client_properties'], {
    encoding: 'utf8',
  }).split('\n');
  const mine = rows.filter((r) => r.includes(`interoffice ${role} ${url}`)).map((r) => r.split('\t')[0] ?? '');
  for (const pid of mine) execFileSync('rabbitmqctl', ['close_connection', pid, 'closed by a test']);
  return mine.length;
}

/**
 * A TCP relay in front of the broker, which a test can take down (every
 * connection cut, new ones refused) and bring back on the same port: a broker
 * outage, without stopping the broker others share.
 */
export class BrokerRelay {
  readonly #sockets = new Set<Socket>();
  #server: NetServer | undefined;
  port = 0;

  static async start(): Promise<BrokerRelay> {
    const relay = new BrokerRelay();
    await relay.up();
    return relay;
  }

  /** The relay's URL for `queue`. */
  url(queue: string): string {
    return `amqp://127.0.0.1:${this.port}/${queue}`;
  }

  async up(): Promise<void> {
    const broker = new URL(amqpUrl);
    const server = createNetServer((client) => {
      const upstream = netConnect(Number(broker.port || 5672), broker.hostname);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('error', () => s.destroy()).on('close', () => {
          this.#sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => server.listen(this.port, '127.0.0.1', r));
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stop passing anything on, the connections left open: a broker that stalls. */
  stall(): void {
    for (const s of this.#sockets) {
      s.unpipe();
      s.pause();
    }
  }

  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    await new Promise((r) => server?.close(r) ?? r(undefined));
  }
}

import { randomBytes } from 'node:crypto';
import { WorkerProcess as SharedWorker } from '../../core/test/shared/message-peers.js';

export { Jobs, sleep, until } from '../../core/test/shared/message-peers.js';

/** A worker process serving Jobs over the built NATS transport (core's shared message-worker.mjs). */
export const WorkerProcess = {
  start: (url: string, label: string, options: object = {}): Promise<SharedWorker> =>
    SharedWorker.jobs(new URL('../dist/index.js', import.meta.url).pathname, 'natsTransport', url, label, options),
};
export type WorkerProcess = SharedWorker;

/** The NATS (with JetStream) every engineer's tests share: names must be unique. */
export const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

const run = randomBytes(4).toString('hex');
let n = 0;
/** A subject no other test uses, as an endpoint URL on `base`. */
export function subjectUrl(base: string = natsUrl, query = ''): string {
  return `${base}/t${run}.s${n++}${query}`;
}

export { AliceBroke, Calculator, calculator } from '@interoffice/core/conformance';

export { python, pythonExample } from '../../core/test/shared/python-worker.js';

/** Delete the JetStream streams this run's durable subjects made on `base` (the shared server outlives the tests). */
export async function dropStreams(base: string = natsUrl): Promise<void> {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: new URL(base).host });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) if (name.includes(`_t${run}_`)) await jsm.streams.delete(name).catch(() => {});
  } finally {
    await nc.close();
  }
}

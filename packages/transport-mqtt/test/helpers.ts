import { randomBytes } from 'node:crypto';
import { WorkerProcess as SharedWorker } from '../../core/test/shared/message-peers.js';

export { sleep, until } from '../../core/test/shared/message-peers.js';

/** A worker process (test/fixtures/worker.mjs: MQTT's own Jobs) and the lines it printed. */
export const WorkerProcess = {
  start: (url: string, label: string, options: object = {}): Promise<SharedWorker> =>
    SharedWorker.spawn(new URL('./fixtures/worker.mjs', import.meta.url).pathname, [url, label, JSON.stringify(options)], label),
};
export type WorkerProcess = SharedWorker;

/** The shared Mosquitto, or MQTT_URL. */
export const BROKER = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/** A service topic of its own per test: other engineers use the same broker. */
export function serviceUrl(base = BROKER): string {
  return `${base}/t${randomBytes(5).toString('hex')}`;
}

export { python, pythonExample } from '../../core/test/shared/python-worker.js';

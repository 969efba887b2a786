import { randomBytes } from 'node:crypto';

/** The shared Mosquitto, or MQTT_URL. */
export const BROKER = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/** A service topic of its own per test: other engineers use the same broker. */
export function serviceUrl(base = BROKER): string {
  return `${base}/t${randomBytes(5).toString('hex')}`;
}

export const python = '/usr/bin/python3';
export const pythonExample = (name: string): string => new URL(`../../../examples/python/${name}`, import.meta.url).pathname;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolve once `predicate` holds, checking every 20 ms; fail after `ms`. */
export async function until(predicate: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`);
    await sleep(20);
  }
}

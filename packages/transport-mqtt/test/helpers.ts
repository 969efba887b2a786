import { randomBytes } from 'node:crypto';

/** The shared Mosquitto, or MQTT_URL. */
export const BROKER = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/** A service topic of its own per test: other engineers use the same broker. */
export function serviceUrl(base = BROKER): string {
  return `${base}/t${randomBytes(5).toString('hex')}`;
}

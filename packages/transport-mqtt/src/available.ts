import { mqttEndpoint } from './address.js';
import { openClient } from './broker.js';
import { resolveOptions, type MqttTransportOptions } from './options.js';

/** Whether an MQTT 5 broker accepts a connection at `url` within `timeoutMs` (with `options`' credentials and TLS): for demos and benches. */
export async function mqttAvailable(url: string | URL, timeoutMs = 500, options: MqttTransportOptions = {}): Promise<boolean> {
  try {
    const resolved = resolveOptions({ ...options, connectTimeoutMs: timeoutMs });
    const client = await openClient(mqttEndpoint(new URL(url)), resolved, { reconnectPeriod: 0 });
    await client.endAsync();
    return true;
  } catch {
    return false;
  }
}

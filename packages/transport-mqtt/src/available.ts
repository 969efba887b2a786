import { mqttEndpoint } from './address.js';
import { openClient } from './broker.js';
import { resolveOptions } from './options.js';

/** Whether an MQTT 5 broker accepts a connection at `url` within `timeoutMs`: for demos and benches. */
export async function mqttAvailable(url: string | URL, timeoutMs = 500): Promise<boolean> {
  try {
    const options = resolveOptions({ connectTimeoutMs: timeoutMs });
    const client = await openClient(mqttEndpoint(new URL(url)), options, { reconnectPeriod: 0 });
    await client.endAsync();
    return true;
  } catch {
    return false;
  }
}

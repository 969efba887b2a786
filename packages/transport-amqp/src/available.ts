import { connect } from 'amqplib';
import { amqpEndpoint } from './address.js';

/**
 * Whether a broker at `url` accepts a login within `timeoutMs` — for demos
 * and benches that include RabbitMQ only when one is there.
 */
export async function amqpAvailable(url: string | URL, timeoutMs = 500): Promise<boolean> {
  const e = amqpEndpoint(typeof url === 'string' ? new URL(url) : url);
  try {
    const model = await connect(e.connect, { timeout: timeoutMs, noDelay: true });
    await model.close();
    return true;
  } catch {
    return false;
  }
}

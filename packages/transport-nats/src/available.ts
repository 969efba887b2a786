import { connect } from '@nats-io/transport-node';
import { natsEndpoint } from './address.js';

/**
 * Whether a NATS server answers at `url` within `timeoutMs` — for demos and
 * benches that include NATS only when one is there.
 */
export async function natsAvailable(url: string | URL, timeoutMs = 500): Promise<boolean> {
  const e = natsEndpoint(typeof url === 'string' ? new URL(url) : url);
  try {
    const nc = await connect({ servers: e.server, user: e.username, pass: e.password, timeout: timeoutMs, reconnect: false });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

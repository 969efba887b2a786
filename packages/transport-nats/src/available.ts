import { natsEndpoint } from './address.js';
import { openLink } from './link.js';
import { resolveOptions } from './options.js';

/**
 * Whether a NATS server answers at `url` within `timeoutMs` — for demos and
 * benches that include NATS only when one is there.
 */
export async function natsAvailable(url: string | URL, timeoutMs = 500): Promise<boolean> {
  const options = resolveOptions({ connectTimeoutMs: timeoutMs });
  const link = await openLink(natsEndpoint(new URL(url)), options).catch(() => undefined);
  await link?.release();
  return link !== undefined;
}

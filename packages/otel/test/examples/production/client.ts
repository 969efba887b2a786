// node client.js <url> <url> ...: 20 calls, spread over the servers, retried when one is gone.
import { connect, createClient, RpcError } from '@interoffice/core';
import { telemetry } from '@interoffice/otel';
import { socketTransport } from '@interoffice/transport-socket';
import { Calculator } from './service.js';
import { startTracing } from './tracing.js';

startTracing();
const urls = process.argv.slice(2);

const channel = await connect(urls, {
  transports: [socketTransport()],
  balance: 'round-robin', // each call to the next healthy server
  health: { intervalMs: 1000, timeoutMs: 500 }, // ask each server rpc.health every second
  retry: { maxAttempts: 3, initialBackoffMs: 50, maxBackoffMs: 1000 }, // idempotent methods only
});
const calc = createClient(Calculator, channel, { middleware: [telemetry()] });

for (let i = 1; i <= 20; i++) {
  let server = '?';
  try {
    const sum = await calc.add({ a: i, b: 1 }, { timeout: 2000, onResponseMeta: (m) => (server = m.server ?? '?') });
    console.log(`add ${i} + 1 = ${sum} from ${server}`);
  } catch (e) {
    console.log(`add ${i} + 1 failed: ${RpcError.from(e).code}`);
  }
  await new Promise((r) => setTimeout(r, 100));
}
await channel.close();

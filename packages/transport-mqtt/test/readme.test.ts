/** The README's example, as written but for a topic of its own. */
import { readFileSync } from 'node:fs';
import { connect, createClient, openEvents, serve } from '@interoffice/core';
import { Calculator, calculator } from '@interoffice/core/conformance';
import { expect, it } from 'vitest';
import { mqttTransport } from '../src/index.js';
import { BROKER, serviceUrl } from './helpers.js';

it('the README example works', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  expect(readme).toContain("const server = await serve(calculator(), { listen: ['mqtt://127.0.0.1:1883/calc'], transports });");
  const url = serviceUrl();
  const transports = [mqttTransport()];
  const server = await serve(calculator(), { listen: [url], transports });
  const channel = await connect(url, { transports });
  const calc = createClient(Calculator, channel);
  expect(await calc.add({ a: 2, b: 5 })).toBe(7);
  const events = await openEvents(BROKER, { transports });
  await Promise.all([events.close(), channel.close(), server.close()]);
});

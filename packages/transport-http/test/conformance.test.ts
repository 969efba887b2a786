import { messageMediumStreamSkip, runConformance } from '@interoffice/core/conformance';
import { afterAll, beforeAll } from 'vitest';
import { httpTransport, wsTransport } from '../src/index.js';
import { type Host, mountedHttp, mountedWs, startHost } from './mounting.js';

const maxFrameBytes = 1024 * 1024;
const noCredit = {
  cases: ['flow-control'],
  reason:
    "HTTP carries no credit: a server stream is one response body, which the client reads no further than the caller takes, so a caller that stops reading holds the server back only once the sockets' buffers are full (~100,000 small items here: slow-reader.test.ts), far past this case's bound of the item window",
} as const;

runConformance({
  name: 'http',
  transports: [httpTransport({ maxFrameBytes })],
  maxFrameBytes,
  address: () => 'http://127.0.0.1:0/rpc/',
  skip: [messageMediumStreamSkip, noCredit],
});

runConformance({
  name: 'ws',
  transports: [wsTransport({ maxFrameBytes })],
  maxFrameBytes,
  address: () => 'ws://127.0.0.1:0/rpc/',
});

// Mounted in a server of the test's own: each test's endpoint at a path of its own.
for (const kind of ['node:http', 'Express'] as const) {
  const hosts: Host[] = [];
  beforeAll(async () => void hosts.push(await startHost(kind)));
  afterAll(() => Promise.all(hosts.map((h) => h.close())));
  let n = 0;
  const host = (): Host => hosts[0] as Host;
  // The host starts in beforeAll, after the suites are declared: its transports are made at first use.
  const lazy = <T extends object>(make: () => T): T => {
    let made: T | undefined;
    return new Proxy({} as T, { get: (_t, key) => Reflect.get((made ??= make()), key) });
  };
  runConformance({
    name: `http (mounted in ${kind})`,
    transports: [lazy(() => mountedHttp(host(), maxFrameBytes))],
    maxFrameBytes,
    address: () => `http://127.0.0.1:${host().port}/api/calc-${++n}/`,
    skip: [messageMediumStreamSkip, noCredit],
  });
  runConformance({
    name: `ws (mounted in ${kind})`,
    transports: [lazy(() => mountedWs(host(), maxFrameBytes))],
    maxFrameBytes,
    address: () => `ws://127.0.0.1:${host().port}/socket/calc-${++n}/`,
  });
}

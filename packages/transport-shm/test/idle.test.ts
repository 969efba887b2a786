/**
 * Spinning stops: an idle server and client (both here, connected) use
 * next to no CPU. A poller that never went to sleep would use a whole core.
 * (What spinning costs is measured in bench/, not here.)
 */
import { connect, createClient } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { shmTransport } from '../src/index.js';
import { Calculator, cleanUp, cleanups, inProcess, shmUrl, sleep } from './helpers.js';

afterEach(cleanUp);

describe('idle', () => {
  it('a connected server and client sleep once the spin budget is spent', async () => {
    const url = shmUrl();
    await inProcess(url, { spinMicros: 200 });
    const channel = await connect(url, { transports: [shmTransport({ spinMicros: 200 })] });
    cleanups.push(() => channel.close());
    const calc = createClient(Calculator, channel);
    for (let i = 0; i < 100; i++) await calc.add({ a: i, b: 1 });
    await sleep(100);
    const before = process.cpuUsage();
    const t0 = performance.now();
    await sleep(1000);
    const used = process.cpuUsage(before);
    const share = (used.user + used.system) / 1000 / (performance.now() - t0);
    expect(share).toBeLessThan(0.1); // generous: this machine is shared; spinning would be ~1
    expect(await calc.add({ a: 1, b: 1 })).toBe(2); // and it wakes up
  });
});

/**
 * An idle shm client, in its own process: `node shm-idle.js <url> <spinMicros> <ms>`.
 * Connects, makes 100 calls, says so, sits idle for <ms>, then sends the CPU
 * microseconds it used while idle, and exits.
 */
import { connect, createClient } from '@interoffice/core';
import { shmTransport } from '@interoffice/transport-shm';
import { Bench } from '../service.js';

const [url, spin, ms] = process.argv.slice(2) as [string, string, string];
const channel = await connect(url, { transports: [shmTransport({ spinMicros: Number(spin) })] });
const calc = createClient(Bench, channel);
for (let i = 0; i < 100; i++) await calc.add({ a: i, b: 1 });
// Let the last spin run out, and V8 finish compiling and collecting what the calls left, before measuring.
await new Promise((r) => setTimeout(r, 500));
process.send?.('idle');
const before = process.cpuUsage();
await new Promise((r) => setTimeout(r, Number(ms)));
const used = process.cpuUsage(before);
process.send?.(used.user + used.system);
await channel.close();
process.disconnect?.();

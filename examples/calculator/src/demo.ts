/**
 * The demo: Alice in her own process, listening on every transport this
 * machine offers; Bob asks her over each, and a table shows the answers and
 * the round-trip time.   pnpm demo
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createClient } from '@interoffice/core';
import { askAlice } from './ask.js';
import { Calculator } from './service.js';
import { carriesStreams, demoEndpoints, transports } from './transports.js';

const dir = mkdtempSync(join(tmpdir(), 'interoffice-demo-'));
const listen: string[] = [];
const spawned: string[] = [];
for (const endpoint of demoEndpoints) {
  const url = endpoint.url.replace('$DIR', dir);
  if (endpoint.available !== undefined && !(await endpoint.available())) console.log(`(not on this machine: ${url})`);
  else (endpoint.spawned ? spawned : listen).push(url);
}

const alice = spawn(
  process.execPath,
  [new URL('./alice.js', import.meta.url).pathname, ...listen.flatMap((u) => ['--listen', u])],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const urls: string[] = await new Promise((resolve, reject) => {
  const found: string[] = [];
  alice.once('exit', (code) => reject(new Error(`Alice exited with code ${code}`)));
  alice.stdout.setEncoding('utf8').on('data', (text: string) => {
    for (const m of text.matchAll(/listening on (\S+)/g)) found.push(m[1] as string);
    if (found.length === listen.length) resolve([...found, ...spawned]);
  });
});

async function roundTrip(url: string): Promise<number> {
  const channel = await connect(url, { transports });
  const calc = createClient(Calculator, channel);
  const times: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t0 = performance.now();
    await calc.add({ a: i, b: 1 });
    times.push(performance.now() - t0);
  }
  await channel.close();
  return (times.sort((a, b) => a - b)[times.length >> 1] as number) * 1000;
}

let failed = false;
const rows: string[][] = [];
for (const url of urls) {
  const channel = await connect(url, { transports });
  const streams = carriesStreams(url);
  const answers = await askAlice(channel, streams);
  await channel.close();
  if (url === urls[0]) {
    console.log(`Bob asks Alice over ${url}:`);
    for (const { question, answer } of answers) console.log(`  ${question} → ${answer}`);
    console.log();
  }
  const expected = [/^7$/, /^40$/, /INVALID_ARGUMENT/, /^AliceBroke INVALID_ARGUMENT: division by zero$/];
  if (streams) expected.push(/^10$/, /^1, 3, 6$/);
  const ok = answers.length === expected.length && answers.every((a, i) => expected[i]?.test(a.answer));
  failed ||= !ok;
  rows.push([
    new URL(url).protocol.slice(0, -1),
    url,
    answers.map((a) => a.answer.split(':')[0]).join(', '),
    ok ? 'yes' : 'NO',
    `${(await roundTrip(url)).toFixed(0)} µs`,
  ]);
}

// Let Alice finish her shutdown (her file server's last write) before the folder goes.
const gone = new Promise((resolve) => alice.once('exit', resolve));
alice.kill('SIGTERM');
await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5000))]);
rmSync(dir, { recursive: true, force: true });

const header = ['transport', 'address', 'answers', 'as expected', 'round trip (p50)'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
const line = (cells: string[]): string =>
  cells
    .map((c, i) => c.padEnd(widths[i] as number))
    .join('  ')
    .trimEnd();
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
process.exit(failed ? 1 : 0);

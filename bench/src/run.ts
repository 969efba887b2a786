/**
 * The bench: every way of calling and its baseline in one run, printed as
 * ratios (ours ÷ baseline). Servers run in their own processes. Rows take
 * turns (short slices, alternating), so drift in the machine's load hits
 * all rows alike: compare ratios within a run, never times across runs.
 *
 *   pnpm bench     env: BENCH_CALLS=20000 BENCH_MS=3000 BENCH_TURNS=10 BENCH_INFLIGHT=64,
 *                  BENCH_ROWS=<pattern> (only matching rows and their baselines)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tally, type Caller } from './measure.js';
import { rows, type Row } from './rows.js';

const calls = Number(process.env.BENCH_CALLS ?? 20_000);
const ms = Number(process.env.BENCH_MS ?? 3000);
const turns = Number(process.env.BENCH_TURNS ?? 10);
const inFlight = Number(process.env.BENCH_INFLIGHT ?? 64);
/** BENCH_ROWS: a pattern; only the rows whose names match run (with their baselines). */
const only = process.env.BENCH_ROWS === undefined ? undefined : new RegExp(process.env.BENCH_ROWS, 'i');
const wanted = new Set(
  only === undefined
    ? rows.map((r) => r.name)
    : rows.filter((r) => only.test(r.name)).flatMap((r) => [r.name, ...(r.baseline === undefined ? [] : [r.baseline])]),
);
const dir = mkdtempSync(join(tmpdir(), 'io-bench-'));

async function startServer(row: Row, address: string): Promise<{ child: ChildProcess; url: URL }> {
  const child = fork(new URL('./server.js', import.meta.url), [row.server, address], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const url = await new Promise<URL>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${row.name} server exited with ${code}`)));
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      const m = /ready (\S+)/.exec(text);
      if (m?.[1] !== undefined) resolve(new URL(m[1]));
    });
  });
  return { child, url };
}

const children: ChildProcess[] = [];
const active: { row: Row; caller: Caller; tally: Tally }[] = [];
try {
  for (const [i, row] of rows.entries()) {
    if (!wanted.has(row.name)) continue;
    if (row.available !== undefined && !(await row.available())) {
      process.stderr.write(`skipping ${row.name}: not available on this machine\n`);
      continue;
    }
    const address = row.address.replace('$DIR', dir).replace('$N', String(i));
    const { child, url } = await startServer(row, address);
    children.push(child);
    const caller = await row.client(url);
    const warmUp = Math.min(2000, row.calls ?? 2000);
    for (let w = 0; w < warmUp; w++) await caller.call(); // warm up both sides' JITs
    active.push({ row, caller, tally: new Tally() });
  }
  for (let t = 0; t < turns; t++) {
    for (const a of active) await a.tally.latencyTurn(a.caller, Math.ceil(Math.min(calls, a.row.calls ?? calls) / turns));
  }
  for (let t = 0; t < turns; t++) {
    for (const a of active) await a.tally.throughputTurn(a.caller, inFlight, ms / turns);
  }
  for (const a of active) await a.caller.close();
} finally {
  for (const c of children) c.kill();
  rmSync(dir, { recursive: true, force: true });
}

const figures = new Map(active.map((a) => [a.row.name, a.tally.figures()]));
console.log(
  `\n${calls} sequential calls and ${inFlight} in flight for ${ms} ms per row, in ${turns} alternating turns; ` +
    `${cpus().length} CPUs, node ${process.version}\n`,
);
console.log('| row | p50 µs | p99 µs | calls/s | p50 ÷ baseline | calls/s ÷ baseline |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const { row } of active) {
  const f = figures.get(row.name);
  const b = row.baseline === undefined ? undefined : figures.get(row.baseline);
  if (f === undefined) continue;
  const ratio = (x: number | undefined): string => (x === undefined ? '—' : x.toFixed(2));
  console.log(
    `| ${row.name} | ${f.p50us.toFixed(1)} | ${f.p99us.toFixed(1)} | ${Math.round(f.callsPerSec)} | ` +
      `${ratio(b && f.p50us / b.p50us)} | ${ratio(b && f.callsPerSec / b.callsPerSec)} |`,
  );
}

/**
 * `interoffice bench <url> <method> ['<json params>']`: how fast a running
 * server answers one method, on any transport the CLI reaches — sequential
 * latency (p50, p99) and throughput with N calls in flight — through the
 * ordinary client, so the figures are what an application would see.
 */
import { writeFileSync } from 'node:fs';
import { connect, DEFAULT_TIMEOUT_MS, rawCall, type Channel, type Metadata } from '@interoffice/core';
import { numberOption, option, parseArgs, UsageError } from '../args.js';
import type { Io } from '../io.js';
import { progressBar, type ProgressBar } from '../progress.js';
import { CONNECT_OPTIONS, loadTransports } from '../transports.js';
import { headers, parseParams } from './call.js';

/** What `--json` writes. Times in µs. */
export interface BenchFigures {
  url: string;
  method: string;
  date: string;
  node: string;
  /** Sequential calls measured (after the warm-up). */
  calls: number;
  p50Us: number;
  p99Us: number;
  meanUs: number;
  minUs: number;
  maxUs: number;
  /** Client CPU µs per sequential call (this process: encoding, validation, the transport's client side). */
  clientCpuUsPerCall: number;
  /** Calls kept in flight in the throughput phase; 0 when it was skipped. */
  concurrency: number;
  durationMs: number;
  /** Calls completed in the throughput phase. */
  completed: number;
  callsPerSec: number;
  /** Each call's time under load. */
  loadedP50Us: number;
  loadedP99Us: number;
}

function quantile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

/** Sequential calls, each timed; by count, or until `ms` have passed when ms > 0 (at least one call). */
async function sequential(call: () => Promise<unknown>, count: number, ms: number, bar: ProgressBar): Promise<number[]> {
  const times: number[] = [];
  const t0 = performance.now();
  const end = ms > 0 ? t0 + ms : Number.POSITIVE_INFINITY;
  bar.stage(ms > 0 ? `sequential calls for ${ms} ms` : `${count} sequential calls`, ms > 0 ? ms : count);
  while (times.length < count && (times.length === 0 || performance.now() < end)) {
    const t = process.hrtime.bigint();
    await call();
    times.push(Number(process.hrtime.bigint() - t) / 1000);
    if ((times.length & 63) === 0) bar.update(ms > 0 ? performance.now() - t0 : times.length);
  }
  return times;
}

/** `inFlight` calls kept outstanding for `ms`: how many completed, and each one's time. */
async function loaded(
  call: () => Promise<unknown>,
  inFlight: number,
  ms: number,
  bar: ProgressBar,
): Promise<{ times: number[]; ms: number }> {
  const times: number[] = [];
  let stop = false;
  const t0 = performance.now();
  bar.stage(`${inFlight} calls in flight for ${ms} ms`, ms);
  const timer = setTimeout(() => (stop = true), ms);
  const ticker = setInterval(() => bar.update(performance.now() - t0), 100);
  try {
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (!stop) {
          const t = process.hrtime.bigint();
          await call();
          times.push(Number(process.hrtime.bigint() - t) / 1000);
        }
      }),
    );
  } finally {
    stop = true;
    clearTimeout(timer);
    clearInterval(ticker);
  }
  return { times, ms: performance.now() - t0 };
}

const us = (x: number): string =>
  Number.isNaN(x) ? '—' : x < 100 ? `${x.toFixed(1)} µs` : `${Math.round(x).toLocaleString('en-US')} µs`;

export async function bench(args: readonly string[], io: Io): Promise<number> {
  const p = parseArgs(args, {
    options: [
      '--calls',
      '--seconds',
      '--duration',
      '--concurrency',
      '--warmup',
      '--timeout',
      '--header',
      '--json',
      ...CONNECT_OPTIONS,
    ],
    aliases: { '-H': '--header', '-c': '--concurrency', '-n': '--calls' },
  });
  const [url, method, json, ...rest] = p.positionals;
  if (url === undefined || method === undefined || rest.length > 0)
    throw new UsageError('bench takes <url> <method> [json params]');
  const params = parseParams(json);
  const seqMs = numberOption(p, '--seconds', 0) * 1000;
  // With --seconds alone, time bounds the sequential calls.
  const calls = numberOption(p, '--calls', seqMs > 0 ? Number.POSITIVE_INFINITY : 1000);
  const durationMs = numberOption(p, '--duration', 3000);
  const concurrency = numberOption(p, '--concurrency', 64);
  const warmup = numberOption(p, '--warmup', 100);
  const timeout = numberOption(p, '--timeout', DEFAULT_TIMEOUT_MS);
  if (calls < 1 || !(Number.isInteger(calls) || calls === Number.POSITIVE_INFINITY))
    throw new UsageError('--calls must be a whole number ≥ 1');
  if (!Number.isInteger(concurrency)) throw new UsageError('--concurrency must be a whole number');
  const jsonFile = option(p, '--json');
  const meta: Metadata = headers(p);

  const channel: Channel = await connect(url, { transports: await loadTransports(p) });
  const call = (): Promise<unknown> => rawCall(channel, method, params, { timeout, meta });
  const bar = progressBar(io);
  let figures: BenchFigures;
  try {
    // The first call alone: a wrong method or params fails here, with the server's error.
    await call();
    bar.stage(`${warmup} warm-up calls`, warmup);
    for (let i = 1; i < warmup; i++) await call();
    const cpu0 = process.cpuUsage();
    const seq = await sequential(call, calls, seqMs, bar);
    const cpu = process.cpuUsage(cpu0);
    const load = concurrency > 0 && durationMs > 0 ? await loaded(call, concurrency, durationMs, bar) : { times: [], ms: 0 };
    bar.end();
    const sorted = Float64Array.from(seq).sort();
    const loadSorted = Float64Array.from(load.times).sort();
    figures = {
      url,
      method,
      date: new Date().toISOString(),
      node: process.version,
      calls: seq.length,
      p50Us: quantile(sorted, 0.5),
      p99Us: quantile(sorted, 0.99),
      meanUs: seq.reduce((a, b) => a + b, 0) / seq.length,
      minUs: sorted[0] ?? Number.NaN,
      maxUs: sorted.at(-1) ?? Number.NaN,
      clientCpuUsPerCall: (cpu.user + cpu.system) / seq.length,
      concurrency: load.times.length === 0 ? 0 : concurrency,
      durationMs: load.ms,
      completed: load.times.length,
      callsPerSec: load.ms === 0 ? Number.NaN : load.times.length / (load.ms / 1000),
      loadedP50Us: quantile(loadSorted, 0.5),
      loadedP99Us: quantile(loadSorted, 0.99),
    };
  } finally {
    bar.end();
    await channel.close();
  }
  io.out(`${url} ${method}`);
  io.out(
    `sequential: ${figures.calls} calls, p50 ${us(figures.p50Us)}, p99 ${us(figures.p99Us)}, ` +
      `mean ${us(figures.meanUs)}, min ${us(figures.minUs)}, max ${us(figures.maxUs)}; client CPU ${us(figures.clientCpuUsPerCall)} a call`,
  );
  if (figures.completed > 0)
    io.out(
      `throughput: ${figures.concurrency} in flight for ${(figures.durationMs / 1000).toFixed(1)} s: ` +
        `${Math.round(figures.callsPerSec).toLocaleString('en-US')} calls/s (each call p50 ${us(figures.loadedP50Us)}, p99 ${us(figures.loadedP99Us)})`,
    );
  if (jsonFile !== undefined) {
    const text = `${JSON.stringify(figures, null, 2)}\n`;
    if (jsonFile === '-') io.out(text.trimEnd());
    else writeFileSync(jsonFile, text);
  }
  return 0;
}

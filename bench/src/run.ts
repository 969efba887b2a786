/**
 * The bench: every way of calling and its baseline in one run, printed as
 * ratios (ours ÷ baseline), in two placements (client and server on one CPU,
 * and on two), with CPU time per call; then the curves (payload size, calls
 * in flight, connections) and their charts. Servers run in their own
 * processes. Rows take turns (short slices, alternating), so drift in the
 * machine's load hits all rows alike: compare ratios within a run, never
 * times across runs.
 *
 *   pnpm bench [--json <file>] [--full] [--no-curves] [--no-charts] [--charts <dir>] [--rows <pattern>]
 *   env (per row and placement): BENCH_CALLS=10000 sequential calls, at most BENCH_SEQ_MS=5000 ms of them;
 *   BENCH_MS=1000 ms of BENCH_INFLIGHT=64 calls in flight; BENCH_TURNS=10; BENCH_ROWS=<pattern>
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
// Loaded at start: resolving vega's modules late in a long run failed once (its links not followed).
import { drawCharts } from './charts.js';
import { descendants } from './cpu.js';
import { curveSteps, runCurves } from './curve-run.js';
import { type CurvePlan, type CurvePoint, PLANS } from './curves.js';
import { type Active, activate } from './fleet.js';
import { judge } from './goals.js';
import { type CpuPerCall, type Figures, Tally } from './measure.js';
import { perfCount, perfWorks, PERF_EVENT } from './perf.js';
import { type Placement, pin, placements } from './placement.js';
import { Progress } from './progress.js';
import { printCurves, printGoals, printRows } from './report.js';
import type { Results, RowResult } from './results.js';
import { rows } from './rows.js';

function parseCommandLine(argv: string[]): { json?: string; full: boolean; curves: boolean; charts?: string; rows?: string } {
  const out: ReturnType<typeof parseCommandLine> = {
    full: false,
    curves: true,
    charts: new URL('../charts/', import.meta.url).pathname,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--json') out.json = value();
    else if (a === '--full') out.full = true;
    else if (a === '--no-curves') out.curves = false;
    else if (a === '--no-charts') out.charts = undefined;
    else if (a === '--charts') out.charts = value();
    else if (a === '--rows') out.rows = value();
    else
      throw new Error(`unknown option ${a} (--json <file>, --full, --no-curves, --no-charts, --charts <dir>, --rows <pattern>)`);
  }
  return out;
}

const options = parseCommandLine(process.argv.slice(2));
const calls = Number(process.env.BENCH_CALLS ?? 10_000);
const ms = Number(process.env.BENCH_MS ?? 1000);
/** At most this long per row and placement for the sequential calls: slow rows make fewer. */
const seqMs = Number(process.env.BENCH_SEQ_MS ?? 5000);
const turns = Number(process.env.BENCH_TURNS ?? 10);
const inFlight = Number(process.env.BENCH_INFLIGHT ?? 64);
const plan: CurvePlan = PLANS[options.full ? 'full' : 'quick'];
/** --rows or BENCH_ROWS: a pattern; only the rows whose names match run (with their baselines). */
const pattern = options.rows ?? process.env.BENCH_ROWS;
const only = pattern === undefined ? undefined : new RegExp(pattern, 'i');
const wanted = new Set(
  only === undefined
    ? rows.map((r) => r.name)
    : rows.filter((r) => only.test(r.name)).flatMap((r) => [r.name, ...(r.baseline === undefined ? [] : [r.baseline])]),
);
const dir = mkdtempSync(join(tmpdir(), 'io-bench-'));
const notes: string[] = [];
const { list: placementList, note: placementNote } = placements();
if (placementNote !== undefined) notes.push(placementNote);
const perf = perfWorks();
if (!perf.ok) notes.push(`instructions per call: ${perf.why}`);
notes.push('Broker rows (Redis, NATS, RabbitMQ, Mosquitto): the broker is shared and not pinned; its CPU time is not counted.');

/** Client (this process) on the placement's client CPU, every process it started on the server CPU. */
function place(p: Placement): void {
  if (p.name === 'unpinned') return;
  pin(process.pid, p.client);
  for (const pid of descendants(process.pid)) pin(pid, p.server);
}
function unplace(): void {
  pin(process.pid, undefined);
  for (const pid of descendants(process.pid)) pin(pid, undefined);
}

const samePlacement = placementList.find((p) => p.name === 'same') ?? (placementList[0] as Placement);
const crossPlacement = placementList.find((p) => p.name === 'cross') ?? samePlacement;

const children: ChildProcess[] = [];
const active: Active[] = [];
const tallies = new Map<string, Tally>(); // `${placement}\t${row}`
const instructions = new Map<string, { count: number; calls: number }>();
const curvePoints: CurvePoint[] = [];
// Stopped early (Ctrl-C): the servers go too, not left running without their parent.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const c of children) c.kill();
    process.exit(130);
  });
}
const progress = new Progress(1);
let bar = progress;
try {
  for (const [i, row] of rows.entries()) {
    if (!wanted.has(row.name)) continue;
    if (row.available !== undefined && !(await row.available())) {
      bar.note(`skipping ${row.name}: not available on this machine`);
      continue;
    }
    bar.stage(`starting ${row.name}`);
    const a = await activate(row, row.address.replace('$DIR', dir).replace('$N', String(i)), children);
    // Warm up both sides' JITs: 2,000 calls, or fewer when they take longer than 2 s (at least 10).
    const warmUp = Math.min(2000, row.calls ?? 2000);
    const until = performance.now() + 2000;
    for (let w = 0; w < warmUp && (w < 10 || performance.now() < until); w++) await a.caller.call();
    active.push(a);
  }
  const curveRows = options.curves ? active.filter((a) => a.row.curve !== false) : [];
  bar = new Progress(placementList.length * turns * active.length * 2 + curveSteps(curveRows, plan));

  for (const p of placementList) {
    place(p);
    const tally = (a: Active): Tally => {
      const key = `${p.name}\t${a.row.name}`;
      const t = tallies.get(key) ?? new Tally();
      tallies.set(key, t);
      return t;
    };
    for (let t = 0; t < turns; t++) {
      bar.stage(`${p.name} CPU: sequential calls, turn ${t + 1} of ${turns}`);
      for (const a of active) {
        const n = Math.ceil(Math.min(calls, a.row.calls ?? calls) / turns);
        const counting = perf.ok && p === samePlacement ? perfCount([process.pid, ...a.serverPids]) : undefined;
        const made = await tally(a).latencyTurn(a.caller, n, a.meter, seqMs / turns);
        const count = await counting?.stop();
        if (count !== undefined) {
          const sum = instructions.get(a.row.name) ?? { count: 0, calls: 0 };
          instructions.set(a.row.name, { count: sum.count + count, calls: sum.calls + made });
        }
        bar.tick();
      }
    }
    for (let t = 0; t < turns; t++) {
      bar.stage(`${p.name} CPU: ${inFlight} calls in flight, turn ${t + 1} of ${turns}`);
      for (const a of active) {
        await tally(a).throughputTurn(a.caller, a.row.inFlight ?? inFlight, ms / turns, a.meter);
        bar.tick();
      }
    }
  }

  if (options.curves)
    curvePoints.push(...(await runCurves({ rows: curveRows, plan, bar, place, same: samePlacement, cross: crossPlacement })));
  unplace();
  bar.stage('closing');
  for (const a of active) await a.caller.close();
} finally {
  bar.end();
  // Servers gone before their folder is: a polling server would find its file missing.
  await Promise.all(
    children.map((c) =>
      c.exitCode !== null || c.signalCode !== null
        ? undefined
        : new Promise((resolve) => {
            c.once('exit', resolve);
            c.kill();
          }),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
}

/** A stream row's figures per item: its calls are whole streams of `items` items. */
function perItem(f: Figures, items: number): Figures {
  const cpu = (c: CpuPerCall): CpuPerCall => ({ client: c.client / items, server: c.server / items });
  return {
    p50us: f.p50us / items,
    p99us: f.p99us / items,
    callsPerSec: f.callsPerSec * items,
    cpuSequential: cpu(f.cpuSequential),
    cpuLoaded: cpu(f.cpuLoaded),
  };
}

const rowResults: RowResult[] = [];
for (const p of placementList) {
  const figuresOf = (name: string) => {
    const f = tallies.get(`${p.name}\t${name}`)?.figures();
    const items = active.find((a) => a.row.name === name)?.row.items;
    return f === undefined || items === undefined ? f : perItem(f, items);
  };
  for (const { row } of active) {
    const f = figuresOf(row.name);
    if (f === undefined) continue;
    const b = row.baseline === undefined ? undefined : figuresOf(row.baseline);
    const ins = instructions.get(row.name);
    rowResults.push({
      name: row.name,
      baseline: row.baseline ?? null,
      items: row.items ?? null,
      placement: p.name,
      p50Us: f.p50us,
      p99Us: f.p99us,
      callsPerSec: f.callsPerSec,
      p50Ratio: b === undefined ? null : f.p50us / b.p50us,
      throughputRatio: b === undefined ? null : f.callsPerSec / b.callsPerSec,
      cpuUsPerCall: f.cpuSequential.client + f.cpuSequential.server,
      cpuUsPerCallClient: f.cpuSequential.client,
      cpuUsPerCallServer: f.cpuSequential.server,
      cpuUsPerCallLoadedClient: f.cpuLoaded.client,
      cpuUsPerCallLoadedServer: f.cpuLoaded.server,
      instructionsPerCall:
        p === samePlacement && ins !== undefined && ins.calls > 0 ? ins.count / ins.calls / (row.items ?? 1) : null,
    });
  }
}

const results: Results = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  placements: placementList.map((p) => p.name),
  notes,
  settings: {
    calls,
    seqMs,
    ms,
    turns,
    inFlight,
    curves: options.curves ? (options.full ? 'full' : 'quick') : 'none',
    perfEvent: PERF_EVENT,
  },
  rows: rowResults,
  curves: curvePoints,
  goals: judge(rowResults, curvePoints),
};

const out = (line: string): void => console.log(line);
out(
  `\n${calls} sequential calls and ${inFlight} in flight for ${ms} ms per row and placement, in ${turns} alternating turns; ` +
    `${results.cpus} CPUs, node ${results.node}\n`,
);
printRows(out, results);
printCurves(out, results);
printGoals(out, results);
for (const n of notes) out(`\nNote: ${n}`);
if (options.json !== undefined) {
  writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
  out(`\nfigures written to ${options.json}`);
}
if (options.charts !== undefined && curvePoints.length > 0) {
  for (const file of await drawCharts(results, options.charts)) out(`chart: ${file}`);
}

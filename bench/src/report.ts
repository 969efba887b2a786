/** The run's figures as Markdown tables on stdout: rows in both placements side by side, curves, goals. */
import type { CurveKind } from './curves.js';
import type { Results, RowResult } from './results.js';

const fixed = (x: number | null | undefined, digits: number): string =>
  x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits);
const whole = (x: number): string => (Number.isNaN(x) ? '—' : Math.round(x).toLocaleString('en-US'));

/** `a / b` for the placements in order. */
function pair(results: RowResult[], f: (r: RowResult) => string): string {
  return results.map(f).join(' / ');
}

export function printRows(out: (line: string) => void, r: Results): void {
  const names = [...new Set(r.rows.map((x) => x.name))];
  const order = r.placements;
  out(`Placements: ${order.join(' / ')} (client and server on one CPU / each on its own); CPU µs per call as client + server.`);
  out('Stream rows: every figure per item (p50 and p99: a stream’s time ÷ its items; calls/s: items/s).\n');
  out(
    '| row | p50 µs | p99 µs | calls/s | p50 ÷ baseline | calls/s ÷ baseline | CPU µs/call, sequential | CPU µs/call, loaded |',
  );
  out('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const name of names) {
    const by = order.map((p) => r.rows.find((x) => x.name === name && x.placement === p)).filter((x) => x !== undefined);
    if (by.length === 0) continue;
    const cpu = (c: number, s: number): string => `${fixed(c, 1)}+${fixed(s, 1)}`;
    out(
      `| ${name} | ${pair(by, (x) => fixed(x.p50Us, 1))} | ${pair(by, (x) => whole(x.p99Us))} | ${pair(by, (x) => whole(x.callsPerSec))} | ` +
        `${pair(by, (x) => fixed(x.p50Ratio, 2))} | ${pair(by, (x) => fixed(x.throughputRatio, 2))} | ` +
        `${pair(by, (x) => cpu(x.cpuUsPerCallClient, x.cpuUsPerCallServer))} | ${pair(by, (x) => cpu(x.cpuUsPerCallLoadedClient, x.cpuUsPerCallLoadedServer))} |`,
    );
  }
}

const CURVE_TITLES: Record<CurveKind, { title: string; x: string; figure: 'p50Us' | 'callsPerSec' }> = {
  payload: { title: 'Echo of a string, one call at a time: p50 µs', x: 'bytes', figure: 'p50Us' },
  inFlight: { title: 'Calls in flight on one connection: calls/s', x: 'in flight', figure: 'callsPerSec' },
  connections: { title: 'Connections, one call in flight on each: calls/s', x: 'connections', figure: 'callsPerSec' },
};

const size = (b: number): string => (b >= 1048576 ? `${b / 1048576} MiB` : b >= 1024 ? `${b / 1024} KiB` : `${b} B`);

export function printCurves(out: (line: string) => void, r: Results): void {
  for (const kind of ['payload', 'inFlight', 'connections'] as const) {
    const points = r.curves.filter((p) => p.curve === kind);
    if (points.length === 0) continue;
    const { title, x, figure } = CURVE_TITLES[kind];
    const xs = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
    out(`\n${title} (${points[0]?.placement} placement)\n`);
    out(`| row | ${xs.map((v) => (kind === 'payload' ? size(v) : `${v} ${x}`)).join(' | ')} |`);
    out(`|---|${xs.map(() => '---:').join('|')}|`);
    for (const name of [...new Set(points.map((p) => p.name))]) {
      const cells = xs.map((v) => {
        const p = points.find((q) => q.name === name && q.x === v);
        if (p === undefined) return '';
        if (p.error !== undefined) return 'fails';
        return figure === 'p50Us' ? fixed(p.p50Us, p.p50Us < 100 ? 1 : 0) : whole(p.callsPerSec);
      });
      out(`| ${name} | ${cells.join(' | ')} |`);
    }
    const failures = points.filter((p) => p.error !== undefined);
    for (const f of failures) out(`- ${f.name} at ${kind === 'payload' ? size(f.x) : `${f.x} ${x}`}: ${f.error}`);
  }
}

export function printGoals(out: (line: string) => void, r: Results): void {
  out('\n| goal | measured | target | met |');
  out('|---|---:|---:|---|');
  for (const g of r.goals) {
    const met = g.met === null ? 'not measured' : g.met ? 'yes' : '**no**';
    out(`| ${g.goal} | ${fixed(g.value, 2)} | ${g.target} | ${met} |`);
  }
}

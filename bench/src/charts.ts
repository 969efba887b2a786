/**
 * The curves as charts: Vega-Lite specifications compiled and rendered in
 * Node by `vega-lite` and `vega` (to SVG, no canvas needed), and PNGs made
 * from the SVGs by resvg (`@resvg/resvg-js`, which ships its binaries). One
 * small chart per row against its baseline (and, for payloads, the
 * in-process floor), each with its own y scale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { CurveKind, CurvePoint } from './curves.js';
import { FLOOR } from './floor.js';
import type { Results } from './results.js';

interface Datum {
  facet: string;
  series: 'this row' | 'baseline' | 'floor';
  x: number;
  y: number;
}

const CHARTS: Record<CurveKind, { file: string; title: string; x: string; y: string; figure: 'p50Us' | 'callsPerSec' }> = {
  payload: {
    file: 'payload',
    title: 'Echo of a string, one call at a time (client and server on one CPU)',
    x: 'payload bytes',
    y: 'p50 µs',
    figure: 'p50Us',
  },
  inFlight: {
    file: 'in-flight',
    title: 'Calls in flight on one connection (client and server on two CPUs)',
    x: 'calls in flight',
    y: 'calls/s',
    figure: 'callsPerSec',
  },
  connections: {
    file: 'connections',
    title: 'Connections, one call in flight on each (client and server on two CPUs)',
    x: 'connections',
    y: 'calls/s',
    figure: 'callsPerSec',
  },
};

/** Each row with a baseline is a facet: its points, its baseline's, and the floor's (payload). */
function data(points: CurvePoint[], figure: 'p50Us' | 'callsPerSec'): Datum[] {
  const ok = points.filter((p) => p.error === undefined && Number.isFinite(p[figure]));
  const out: Datum[] = [];
  for (const row of new Set(ok.filter((p) => p.baseline !== undefined).map((p) => p.name))) {
    const mine = ok.filter((p) => p.name === row);
    const baseline = mine[0]?.baseline;
    const put = (series: Datum['series'], of: CurvePoint[]): void => {
      for (const p of of) out.push({ facet: row, series, x: p.x, y: p[figure] });
    };
    put('this row', mine);
    put(
      'baseline',
      ok.filter((p) => p.name === baseline),
    );
    put(
      'floor',
      ok.filter((p) => p.name === FLOOR),
    );
  }
  return out;
}

/** Byte sizes as 16 B, 1 KiB, 1 MiB (a Vega expression). */
const BYTES =
  "datum.value >= 1048576 ? datum.value / 1048576 + ' MiB' : datum.value >= 1024 ? datum.value / 1024 + ' KiB' : datum.value + ' B'";
const BYTE_TICKS = [16, 256, 4096, 65536, 1048576, 8388608];

export function chartSpec(kind: CurveKind, points: CurvePoint[], subtitle: string): TopLevelSpec {
  const c = CHARTS[kind];
  const values = data(points, c.figure);
  const baselines = Object.fromEntries(points.filter((p) => p.baseline !== undefined).map((p) => [p.name, p.baseline]));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: c.title, subtitle, anchor: 'start' },
    data: { values: values.map((d) => ({ ...d, facet: `${d.facet}\n÷ ${baselines[d.facet] ?? '—'}` })) },
    facet: {
      field: 'facet',
      type: 'nominal',
      title: null,
      // Two lines: the row, and what it is divided by.
      header: { labelFontSize: 10, labelLimit: 0, labelExpr: "split(datum.label, '\\n')" },
    },
    columns: 4,
    spec: {
      width: 230,
      height: 140,
      mark: { type: 'line', point: { size: 18 }, strokeWidth: 1.5 },
      encoding: {
        x: {
          field: 'x',
          type: 'quantitative',
          scale: { type: 'log', base: 2 },
          title: c.x,
          axis: kind === 'payload' ? { values: BYTE_TICKS, labelExpr: BYTES } : { tickCount: 5 },
        },
        y: { field: 'y', type: 'quantitative', scale: { type: 'log' }, title: c.y },
        color: {
          field: 'series',
          type: 'nominal',
          title: null,
          scale: { domain: ['this row', 'baseline', 'floor'], range: ['#1f6fb4', '#8a8a8a', '#2e9e44'] },
        },
        strokeDash: {
          field: 'series',
          type: 'nominal',
          title: null,
          scale: {
            domain: ['this row', 'baseline', 'floor'],
            range: [
              [1, 0],
              [5, 3],
              [2, 2],
            ],
          },
        },
      },
    },
    resolve: { scale: { y: 'independent' } },
    config: { background: 'white', font: 'DejaVu Sans', legend: { orient: 'top', symbolType: 'stroke' } },
  };
}

/** An SVG of a Vega-Lite spec. */
export async function svgOf(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A PNG of an SVG, twice its size, with the system's fonts. */
export function pngOf(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/** Write `<kind>.svg` and `<kind>.png` into `dir` for each curve measured; resolves with the files written. */
export async function drawCharts(results: Results, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const subtitle = `${results.date.slice(0, 10)}, ${results.cpus} CPUs, node ${results.node}; rows take turns at each point`;
  for (const kind of Object.keys(CHARTS) as CurveKind[]) {
    const points = results.curves.filter((p) => p.curve === kind);
    if (points.length === 0) continue;
    const svg = await svgOf(chartSpec(kind, points, subtitle));
    const base = join(dir, CHARTS[kind].file);
    writeFileSync(`${base}.svg`, svg);
    writeFileSync(`${base}.png`, pngOf(svg));
    written.push(`${base}.svg`, `${base}.png`);
  }
  return written;
}

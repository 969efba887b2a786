/**
 * The issues' goals, judged on one run: p50 and throughput ratios on the
 * same-CPU placement (where a cross-CPU wake-up does not hide the code's
 * cost), payload goals on the payload curve.
 */
import type { CurvePoint } from './curves.js';
import { FLOOR } from './floor.js';
import type { GoalResult, RowResult } from './results.js';

const MiB = 1024 * 1024;

interface Goal {
  goal: string;
  target: number;
  /** true: the value must be at most the target; false: at least. */
  atMost: boolean;
  value(rows: RowResult[], curves: CurvePoint[]): number | null | undefined;
}

const row = (rows: RowResult[], name: string): RowResult | undefined =>
  rows.find((r) => r.name === name && r.placement === 'same') ?? rows.find((r) => r.name === name);
const point = (curves: CurvePoint[], name: string, x: number): CurvePoint | undefined =>
  curves.find((p) => p.curve === 'payload' && p.name === name && p.x === x && p.error === undefined);

/** p50 of `name`'s echo of `x` bytes ÷ that of `other`. */
function payloadRatio(curves: CurvePoint[], name: string, other: string, x: number): number | undefined {
  const [a, b] = [point(curves, name, x), point(curves, other, x)];
  return a === undefined || b === undefined ? undefined : a.p50Us / b.p50Us;
}

const SOCKET = 'interoffice socket, unix';
const SHM = 'interoffice shm';

export const GOALS: Goal[] = [
  { goal: 'unix socket p50 ÷ raw echo (same CPU)', target: 1.2, atMost: true, value: (r) => row(r, SOCKET)?.p50Ratio },
  {
    goal: 'unix socket calls/s ÷ raw echo (same CPU)',
    target: 1.5,
    atMost: false,
    value: (r) => row(r, SOCKET)?.throughputRatio,
  },
  { goal: 'shm calls/s ÷ raw unix echo (same CPU)', target: 3, atMost: false, value: (r) => row(r, SHM)?.throughputRatio },
  { goal: 'shm p50 µs (same CPU)', target: 2, atMost: true, value: (r) => row(r, SHM)?.p50Us },
  { goal: 'Redis p50 ÷ LPUSH/BRPOP (same CPU)', target: 1.3, atMost: true, value: (r) => row(r, 'interoffice redis')?.p50Ratio },
  {
    goal: 'gRPC p50 ÷ bare grpc-js (same CPU)',
    target: 1.05,
    atMost: true,
    value: (r) => row(r, 'interoffice grpc, proto Calculator.Add')?.p50Ratio,
  },
  {
    goal: 'gRPC calls/s ÷ bare grpc-js (same CPU)',
    target: 0.95,
    atMost: false,
    value: (r) => row(r, 'interoffice grpc, proto Calculator.Add')?.throughputRatio,
  },
  { goal: '1 MiB echo, unix socket ÷ floor', target: 1.5, atMost: true, value: (_, c) => payloadRatio(c, SOCKET, FLOOR, MiB) },
  { goal: '1 MiB echo, shm ÷ floor', target: 1.5, atMost: true, value: (_, c) => payloadRatio(c, SHM, FLOOR, MiB) },
  // Bytes per second: the socket's time ÷ shm's, at each payload of 1 MiB and more (the smallest).
  {
    goal: 'shm bytes/s ÷ unix socket, 1 MiB and up',
    target: 2,
    atMost: false,
    value(_, c) {
      const sizes = [...new Set(c.filter((p) => p.curve === 'payload' && p.x >= MiB).map((p) => p.x))];
      const ratios = sizes.map((x) => payloadRatio(c, SOCKET, SHM, x)).filter((v) => v !== undefined);
      return ratios.length === 0 ? undefined : Math.min(...ratios);
    },
  },
  ...(
    [
      ['unix socket server stream', 'interoffice socket, unix, server stream'],
      ['unix socket bidi stream', 'interoffice socket, unix, bidi stream'],
      ['shm server stream', 'interoffice shm, server stream'],
      ['shm bidi stream', 'interoffice shm, bidi stream'],
      ['gRPC server stream', 'interoffice grpc, server stream (proto Calculator.Countdown)'],
      ['gRPC bidi stream', 'interoffice grpc, bidi stream (proto Calculator.RunningTotal)'],
    ] as const
  ).map(
    ([what, name]): Goal => ({
      goal: `${what} items/s ÷ baseline (same CPU)`,
      target: 0.8,
      atMost: false,
      value: (r) => row(r, name)?.throughputRatio,
    }),
  ),
];

export function judge(rows: RowResult[], curves: CurvePoint[]): GoalResult[] {
  return GOALS.map((g) => {
    const v = g.value(rows, curves);
    const value = v === undefined || v === null || Number.isNaN(v) ? null : v;
    return {
      goal: g.goal,
      target: g.target,
      value,
      met: value === null ? null : g.atMost ? value <= g.target : value >= g.target,
    };
  });
}

/**
 * Measuring the curves for the rows of a run: payload and calls in flight
 * in turns that alternate between the rows at each point; connections row
 * by row (each row's connections are opened once, more at each point, and
 * closed after its last). A row whose point fails stops its curve there.
 */
import {
  type CurveKind,
  type CurvePlan,
  type CurvePoint,
  loadTurn,
  PointTally,
  payload,
  payloadTurn,
  syncTurn,
} from './curves.js';
import type { Active } from './fleet.js';
import { FLOOR, floorEcho } from './floor.js';
import type { Caller } from './measure.js';
import type { Placement } from './placement.js';
import type { Progress } from './progress.js';

export interface CurveRun {
  rows: Active[];
  plan: CurvePlan;
  bar: Progress;
  /** Pin this process and every process it started, for a placement. */
  place(p: Placement): void;
  /** Where payloads are measured (one CPU, as the goals) and the rest (two CPUs, as deployed). */
  same: Placement;
  cross: Placement;
}

/** The steps `runCurves` ticks the progress bar by. */
export function curveSteps(rows: Active[], plan: CurvePlan): number {
  const echo = rows.filter((a) => a.caller.echo !== undefined).length;
  return plan.payload.length * (echo + 1) + (plan.inFlight.length + plan.connections.length) * rows.length;
}

export async function runCurves({ rows, plan, bar, place, same, cross }: CurveRun): Promise<CurvePoint[]> {
  const points: CurvePoint[] = [];
  const failed = new Set<string>(); // `${curve}\t${row}`
  const record = (curve: CurveKind, name: string, baseline: string | undefined, p: Placement, x: number, t: PointTally): void => {
    const figures = t.error === undefined ? t.figures() : { p50Us: Number.NaN, p99Us: Number.NaN, callsPerSec: Number.NaN };
    points.push({
      curve,
      name,
      ...(baseline === undefined ? {} : { baseline }),
      placement: p.name,
      x,
      ...figures,
      ...(t.error ? { error: t.error } : {}),
    });
    if (t.error !== undefined) failed.add(`${curve}\t${name}`);
  };
  const live = (curve: CurveKind, a: Active): boolean => !failed.has(`${curve}\t${a.row.name}`);

  // Payload: one call at a time, on one CPU; the floor in this process.
  place(same);
  const echoRows = rows.filter((a) => a.caller.echo !== undefined);
  for (const size of plan.payload) {
    const s = payload(size);
    bar.stage(`payload curve: ${size} bytes`);
    const floor = new PointTally();
    const tallies = new Map(echoRows.filter((a) => live('payload', a)).map((a) => [a, new PointTally()]));
    let id = 0;
    for (let turn = 0; turn < plan.turns; turn++) {
      syncTurn(floor, () => void floorEcho(s, ++id), plan.ms / plan.turns);
      for (const [a, t] of tallies) {
        if (t.error === undefined)
          await payloadTurn(t, (x) => (a.caller.echo as (s: string) => PromiseLike<unknown>)(x), s, plan.ms / plan.turns);
      }
    }
    record('payload', FLOOR, undefined, same, size, floor);
    for (const [a, t] of tallies) record('payload', a.row.name, a.row.baseline, same, size, t);
    bar.tick(1 + echoRows.length);
  }

  // Calls in flight on one connection, on two CPUs.
  place(cross);
  for (const n of plan.inFlight) {
    bar.stage(`in-flight curve: ${n} calls`);
    const tallies = new Map(rows.filter((a) => live('inFlight', a)).map((a) => [a, new PointTally()]));
    for (let turn = 0; turn < plan.turns; turn++) {
      for (const [a, t] of tallies) if (t.error === undefined) await loadTurn(t, [a.caller], n, plan.ms / plan.turns);
    }
    for (const [a, t] of tallies) record('inFlight', a.row.name, a.row.baseline, cross, n, t);
    bar.tick(rows.length);
  }

  // Connections, one call in flight on each, row by row.
  for (const a of rows) {
    const callers: Caller[] = [a.caller];
    // Connections that cost more (a process each, say) are opened fewer at a time.
    const atOnce = Math.max(1, Math.min(25, Math.floor((a.row.maxConnections ?? 1000) / 16)));
    try {
      for (const n of plan.connections) {
        bar.stage(`connections curve: ${a.row.name}, ${n}`);
        if (live('connections', a) && n <= (a.row.maxConnections ?? Number.POSITIVE_INFINITY)) {
          const t = new PointTally();
          try {
            while (callers.length < n) {
              const batch = await Promise.all(
                Array.from({ length: Math.min(atOnce, n - callers.length) }, () => a.row.client(a.url)),
              );
              callers.push(...batch);
              await Promise.all(batch.map((c) => c.call()));
            }
            place(cross); // the processes new clients started
            await loadTurn(t, callers, 1, plan.ms);
          } catch (e) {
            t.error = (e as Error).message;
          }
          record('connections', a.row.name, a.row.baseline, cross, n, t);
        }
        bar.tick();
      }
    } finally {
      await Promise.all(callers.slice(1).map((c) => c.close().catch(() => {})));
    }
  }
  return points;
}

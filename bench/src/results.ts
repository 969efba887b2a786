/** What a run writes with `--json <file>`: every figure, so that runs can be compared by a script. */
import type { CurvePoint } from './curves.js';

/** One row in one placement. Ratios are this row ÷ its baseline, in the same placement; null without one. */
export interface RowResult {
  name: string;
  baseline: string | null;
  /** A stream row: items per call, and every figure below is per item (calls/s is items/s); null for other rows. */
  items: number | null;
  /** `same` (one CPU), `cross` (two), or `unpinned`. */
  placement: string;
  p50Us: number;
  p99Us: number;
  callsPerSec: number;
  p50Ratio: number | null;
  throughputRatio: number | null;
  /** CPU µs per sequential call, client and server together (brokers' own time not included). */
  cpuUsPerCall: number;
  cpuUsPerCallClient: number;
  cpuUsPerCallServer: number;
  /** The same under load (the throughput turns). */
  cpuUsPerCallLoadedClient: number;
  cpuUsPerCallLoadedServer: number;
  /** perf's instructions per sequential call, client and server; null where perf cannot count them. */
  instructionsPerCall: number | null;
}

export interface GoalResult {
  goal: string;
  value: number | null;
  target: number;
  met: boolean | null;
}

export interface Results {
  date: string;
  node: string;
  cpus: number;
  placements: string[];
  /** What the run could not do on this machine, and why. */
  notes: string[];
  settings: Record<string, number | string | boolean>;
  rows: RowResult[];
  curves: CurvePoint[];
  goals: GoalResult[];
}

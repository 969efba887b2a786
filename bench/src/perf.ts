/**
 * Instructions per call from `perf stat`, where the machine lets perf count
 * them (many VMs expose no hardware counters: perf says `<not supported>`).
 * `BENCH_PERF_EVENT` names another event (task-clock, to try the plumbing).
 */
import { spawn, spawnSync } from 'node:child_process';

export const PERF_EVENT = process.env.BENCH_PERF_EVENT ?? 'instructions';

/** Whether `perf stat -e <event>` counts here; the reason when not. */
export function perfWorks(event = PERF_EVENT): { ok: boolean; why?: string } {
  const run = spawnSync('perf', ['stat', '-x', ',', '-e', event, 'true'], { encoding: 'utf8' });
  if (run.error !== undefined) return { ok: false, why: `perf: ${run.error.message}` };
  if (parse(run.stderr) !== undefined) return { ok: true };
  return {
    ok: false,
    why: /not supported/.test(run.stderr)
      ? `perf stat -e ${event}: <not supported> on this machine (no hardware counters in this VM)`
      : `perf stat -e ${event}: ${run.stderr.trim().split('\n')[0] ?? 'no count'}`,
  };
}

/** The count in perf's CSV output (`-x ,`): the first field of the event's line. */
function parse(text: string): number | undefined {
  for (const line of text.split('\n')) {
    const fields = line.split(',');
    if (fields[2]?.startsWith(PERF_EVENT) !== true && fields[2] !== PERF_EVENT) continue;
    const n = Number(fields[0]);
    return Number.isFinite(n) && fields[0] !== '' ? n : undefined;
  }
  return undefined;
}

/** Counts the event on `pids` from now until `stop()`. */
export function perfCount(pids: readonly number[]): { stop(): Promise<number | undefined> } {
  const child = spawn('perf', ['stat', '-x', ',', '-e', PERF_EVENT, '-p', pids.join(',')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  child.stderr.setEncoding('utf8').on('data', (t: string) => (text += t));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    async stop() {
      child.kill('SIGINT');
      await closed;
      return parse(text);
    },
  };
}

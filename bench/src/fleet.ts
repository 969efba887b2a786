/**
 * The rows' servers, each in its own process (`server.ts`), and the row's
 * client in this one; which processes serve a row (its server, and any
 * process its client spawned, as stdio does), for pinning and CPU time.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpuNanos, cpuNanosOf, descendants } from './cpu.js';
import type { Caller, CpuMeter } from './measure.js';
import type { Row } from './rows.js';

export interface Active {
  row: Row;
  url: URL;
  caller: Caller;
  /** The processes that serve this row. */
  serverPids: number[];
  meter: CpuMeter;
}

export async function startServer(row: Row, address: string): Promise<{ child: ChildProcess; url: URL }> {
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

/** Start `row`'s server and connect its client; the processes the client spawned count as the row's servers. */
export async function activate(row: Row, address: string, children: ChildProcess[]): Promise<Active> {
  const { child, url } = await startServer(row, address);
  children.push(child);
  const before = new Set(descendants(process.pid));
  const caller = await row.client(url);
  const spawned = descendants(process.pid).filter((pid) => !before.has(pid));
  const serverPids = [child.pid as number, ...spawned];
  return {
    row,
    url,
    caller,
    serverPids,
    meter: { client: () => cpuNanos(process.pid), server: () => cpuNanosOf(serverPids) },
  };
}

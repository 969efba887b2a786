/**
 * The failover test every transport runs the same way: servers in their own
 * processes, one client calling an idempotent method under load, one server
 * killed with `kill -9` part way. Each transport's test starts its servers
 * (with {@link answeredBy}, so answers say who gave them) and asserts on the
 * {@link FailoverReport}: no call failed, and the survivors took the load.
 */
import type { Middleware } from '../call.js';
import type { Client } from '../client/client.js';
import { RpcError } from '../error.js';
import type { Calculator } from './calculator.js';

/** Server middleware: `name` in the response metadata (`server`) of every answer. */
export function answeredBy(name: string): Middleware {
  return (call, next) => {
    call.responseMeta.server = name;
    return next();
  };
}

/** What a run of {@link loadWithKill} saw. */
export interface FailoverReport {
  /** Answers by server name, of calls begun before the kill had completed. */
  readonly before: Readonly<Record<string, number>>;
  /** Answers by server name, of calls begun after the killed process had exited. */
  readonly after: Readonly<Record<string, number>>;
  /** Calls that failed, as `CODE message`. */
  readonly failures: readonly string[];
  /** Answers that were not the sum asked for. */
  readonly wrong: number;
  /** Calls answered, in all. */
  readonly answered: number;
  /** Milliseconds the whole run took. */
  readonly ms: number;
}

/** Options of {@link loadWithKill}. */
export interface FailoverLoad {
  /** Calls in all (2,000). */
  readonly calls?: number;
  /** Calls in flight at once (16). */
  readonly concurrency?: number;
  /** Kill once this many calls are answered (a quarter of them). */
  readonly killAfter?: number;
  /** Milliseconds each call may take (10,000). */
  readonly timeout?: number;
  /** Kill the server (`kill -9`); resolves once its process has exited. */
  readonly kill: () => Promise<void>;
}

/**
 * Call `add` through `client` `calls` times, `concurrency` at once, and kill
 * a server once `killAfter` calls are answered; who answered each call, and
 * what failed.
 */
export async function loadWithKill(client: Client<typeof Calculator>, load: FailoverLoad): Promise<FailoverReport> {
  const calls = load.calls ?? 2000;
  const killAfter = load.killAfter ?? Math.floor(calls / 4);
  const before: Record<string, number> = {};
  const after: Record<string, number> = {};
  const failures: string[] = [];
  let wrong = 0;
  let answered = 0;
  let next = 0;
  let phase: 'before' | 'killing' | 'after' = 'before';
  let killing: Promise<void> | undefined;
  const start = Date.now();
  const loop = async (): Promise<void> => {
    while (next < calls) {
      const i = next++;
      const begunAfter = phase === 'after';
      let by = '?';
      try {
        const sum = await client.add(
          { a: i, b: 1 },
          { timeout: load.timeout ?? 10_000, onResponseMeta: (m) => (by = m.server ?? '?') },
        );
        if (sum !== i + 1) wrong++;
        const tally = begunAfter ? after : before;
        tally[by] = (tally[by] ?? 0) + 1;
        answered++;
      } catch (e) {
        const err = RpcError.from(e);
        failures.push(`${err.code} ${err.message}`);
      }
      if (answered >= killAfter && phase === 'before') {
        phase = 'killing';
        killing = load.kill().then(() => void (phase = 'after'));
      }
    }
  };
  await Promise.all(Array.from({ length: load.concurrency ?? 16 }, loop));
  await killing;
  return { before, after, failures, wrong, answered, ms: Date.now() - start };
}

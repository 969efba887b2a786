/**
 * The `interoffice` command: picks the subcommand, runs it, and turns what
 * went wrong into a line on stderr and an exit status — 2 for usage, 64 +
 * the gRPC status number for a call's error (as grpcurl does), 1 otherwise.
 */
import { grpcStatus, RpcError } from '@interoffice/core';
import { UsageError } from './args.js';
import { processIo, type Io } from './io.js';
import { BENCH_USAGE, CALL_USAGE, GEN_USAGE, INSPECT_USAGE, LIST_USAGE, PUBLISH_USAGE, SUBSCRIBE_USAGE } from './usage.js';

type Run = (args: readonly string[], io: Io) => Promise<number>;

// Each command is loaded when it runs: `gen` needs buf and ts-proto, `call` needs gRPC, help needs neither.
const commands: Record<string, { load: () => Promise<Run>; usage: string }> = {
  gen: { load: async () => (await import('./commands/gen.js')).gen, usage: GEN_USAGE },
  call: { load: async () => (await import('./commands/call.js')).call, usage: CALL_USAGE },
  list: { load: async () => (await import('./commands/list.js')).list, usage: LIST_USAGE },
  inspect: { load: async () => (await import('./commands/inspect.js')).inspect, usage: INSPECT_USAGE },
  publish: { load: async () => (await import('./commands/events.js')).publish, usage: PUBLISH_USAGE },
  subscribe: { load: async () => (await import('./commands/events.js')).subscribe, usage: SUBSCRIBE_USAGE },
  bench: { load: async () => (await import('./commands/bench.js')).bench, usage: BENCH_USAGE },
};

export const USAGE = `interoffice <command> ...

${Object.values(commands)
  .map((c) => c.usage)
  .join('\n\n')}

URLs: unix:///path, tcp://host:port, grpc://host:port, grpcs://host:port, memory://name, and the
schemes of the other transports installed beside the CLI (or named with --transport).`;

/** The exit status for an error: 64 + gRPC status for RpcErrors (`UNAVAILABLE` → 78). */
export function exitStatus(error: unknown): number {
  if (error instanceof UsageError) return 2;
  if (error instanceof RpcError) return 64 + grpcStatus[error.code];
  return 1;
}

/** Run the CLI with `args` (without `node` and the script); resolves with the exit status. */
export async function main(args: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (command === undefined) {
    io.err(`unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (e) {
    if (e instanceof UsageError) io.err(`usage: ${e.message}\n\n${command.usage}`);
    else if (e instanceof RpcError) {
      io.err(`${e.code}: ${e.message}`);
      if (e.details !== undefined) io.err(`details: ${JSON.stringify(e.details)}`);
    } else io.err(`error: ${(e as Error).message ?? String(e)}`);
    return exitStatus(e);
  }
}

/** The transports the example programs know, and where Alice listens by default. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Transport } from '@interoffice/core';
import { fileTransport } from '@interoffice/transport-file';
import { grpcTransport } from '@interoffice/transport-grpc';
import { pipeTransport } from '@interoffice/transport-pipe';
import { redisAvailable, redisTransport } from '@interoffice/transport-redis';
import { shmTransport } from '@interoffice/transport-shm';
import { socketTransport } from '@interoffice/transport-socket';

/** What `connect('stdio:')` starts: Alice on her own stdin and stdout (`pnpm bob --connect stdio:`). */
// The built program: this module also runs from src/ under the tests.
const aliceOnStdio = [process.execPath, fileURLToPath(new URL('../dist/alice.js', import.meta.url)), '--listen', 'stdio:'];

export const transports: Transport[] = [
  socketTransport(),
  grpcTransport(),
  pipeTransport({ command: aliceOnStdio }),
  redisTransport(),
  fileTransport(),
  shmTransport(),
];

/** The Redis the demo uses: REDIS_URL, else the usual local one. */
const redis = (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/^(rediss?:\/\/[^/?]+).*$/, '$1');

/** Where the demo has Alice listen: one URL per transport (`$DIR` is a fresh temp folder). */
export interface DemoEndpoint {
  url: string;
  /** Whether this machine offers it now (e.g. a Redis answering); left out of the demo otherwise. */
  available?(): Promise<boolean>;
  /** Bob starts his own Alice for it (stdio), instead of asking the Alice the demo started. */
  spawned?: boolean;
}

export const demoEndpoints: DemoEndpoint[] = [
  { url: 'unix://$DIR/calc.sock' },
  { url: 'tcp://127.0.0.1:0' },
  { url: 'grpc://127.0.0.1:0' },
  { url: 'fifo://$DIR/calc' },
  // The seed's shared JSON file and its lock file (examples/python/file_bob.py can call it too).
  { url: 'file://$DIR/calc/shared.json' },
  // Shared memory rings (/dev/shm/interoffice-demo-<pid>), on Linux.
  { url: `shm://demo-${process.pid}`, available: async () => process.platform === 'linux' },
  // Bob starts an Alice of his own on her stdin and stdout.
  { url: 'stdio:', spawned: true },
  // A queue on the local Redis, when one answers.
  { url: `${redis}/interoffice-demo`, available: () => redisAvailable(redis) },
];

/** Alice's default address: a unix socket in the temp folder. */
export const defaultUrl = `unix://${join(tmpdir(), 'interoffice-calculator.sock')}`;

/** The values of every `--name value` in `args`. */
export function option(args: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name && args[i + 1] !== undefined) out.push(args[++i] as string);
    else if (args[i]?.startsWith(`${name}=`)) out.push((args[i] as string).slice(name.length + 1));
  }
  return out;
}

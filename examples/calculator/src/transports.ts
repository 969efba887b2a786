/** The transports the example programs know, and where Alice listens by default. */
import { lstat, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Transport } from '@interoffice/core';
import { amqpAvailable, amqpTransport } from '@interoffice/transport-amqp';
import { mqttAvailable, mqttTransport } from '@interoffice/transport-mqtt';
import { natsAvailable, natsTransport } from '@interoffice/transport-nats';
import { fileTransport } from '@interoffice/transport-file';
import { grpcTransport } from '@interoffice/transport-grpc';
import { httpTransport, wsTransport } from '@interoffice/transport-http';
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
  amqpTransport(),
  natsTransport(),
  mqttTransport(),
  httpTransport(),
  wsTransport(),
];

/** The Redis the demo uses: REDIS_URL, else the usual local one. */
const redis = (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/^(rediss?:\/\/[^/?]+).*$/, '$1');

/** The RabbitMQ the demo uses: AMQP_URL, else the usual local one (guest/guest). */
const amqp = (process.env.AMQP_URL ?? 'amqp://127.0.0.1').replace(/^(amqps?:\/\/[^/?]+).*$/, '$1');

/** The NATS the demo uses: NATS_URL, else the usual local one. */
const nats = (process.env.NATS_URL ?? 'nats://127.0.0.1:4222').replace(/^(nats?s?:\/\/[^/?]+).*$/, '$1');

/** The MQTT broker the demo uses: MQTT_URL, else the usual local one. */
const mqtt = (process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883').replace(/^(mqtts?:\/\/[^/?]+).*$/, '$1');

/**
 * Whether `url`'s transport carries streams of inputs (`sum`, `runningTotal`): those with a
 * connection per client. A queue or broker may hand a caller's later messages to another worker.
 */
export function carriesStreams(url: string): boolean {
  return ['unix:', 'tcp:', 'tls:', 'ws:', 'wss:', 'fifo:', 'shm:', 'stdio:'].includes(new URL(url).protocol);
}

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
  // JSON-RPC over HTTP POST (also: POST /rpc/Calculator.add, GET for reads, /rpc/openapi.json).
  { url: 'http://127.0.0.1:0/rpc/' },
  // JSON-RPC over one WebSocket (what a browser uses).
  { url: 'ws://127.0.0.1:0/rpc/' },
  { url: 'fifo://$DIR/calc' },
  // The seed's shared JSON file and its lock file (examples/python/file_bob.py can call it too).
  { url: 'file://$DIR/calc/shared.json' },
  // Shared memory rings (/dev/shm/interoffice-demo-<pid>), on Linux.
  { url: `shm://demo-${process.pid}`, available: async () => process.platform === 'linux' },
  // Bob starts an Alice of his own on her stdin and stdout.
  { url: 'stdio:', spawned: true },
  // A queue on the local Redis, when one answers.
  { url: `${redis}/interoffice-demo`, available: () => redisAvailable(redis) },
  // A work queue on the local RabbitMQ, when one answers.
  { url: `${amqp}/interoffice-demo`, available: () => amqpAvailable(amqp) },
  // A subject on the local NATS (request/reply, a queue group), and a JetStream work queue, when one answers.
  { url: `${nats}/interoffice-demo`, available: () => natsAvailable(nats) },
  { url: `${nats}/interoffice-demo-durable?mode=durable`, available: () => natsAvailable(nats) },
  // MQTT 5 request/response through the local Mosquitto, when one answers.
  { url: `${mqtt}/interoffice-demo`, available: () => mqttAvailable(mqtt) },
];

/**
 * Alice's default folder, one only this user can enter: $XDG_RUNTIME_DIR/interoffice
 * (systemd makes $XDG_RUNTIME_DIR the user's own, 0700), else <tmp>/interoffice-<uid>. A fixed
 * name straight in /tmp is a path another user could take first, with a server of their own.
 */
export const defaultDir = process.env.XDG_RUNTIME_DIR
  ? join(process.env.XDG_RUNTIME_DIR, 'interoffice')
  : join(tmpdir(), `interoffice-${process.getuid?.() ?? 'user'}`);

/** Alice's default address: a unix socket in {@link defaultDir}. */
export const defaultUrl = `unix://${join(defaultDir, 'calculator.sock')}`;

/** Create `dir` 0700, or check that the folder there is this user's own and private; throws otherwise. */
export async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  const uid = process.getuid?.() ?? info.uid;
  if (!info.isDirectory() || info.uid !== uid || (info.mode & 0o077) !== 0) {
    const what = info.isDirectory() ? `a folder of uid ${info.uid} with mode ${(info.mode & 0o777).toString(8)}` : 'not a folder';
    throw new Error(`${dir} is ${what}: Alice's socket belongs in a folder only you can enter (0700, yours)`);
  }
}

/** The values of every `--name value` in `args`. */
export function option(args: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name && args[i + 1] !== undefined) out.push(args[++i] as string);
    else if (args[i]?.startsWith(`${name}=`)) out.push((args[i] as string).slice(name.length + 1));
  }
  return out;
}

/**
 * The shared memory transport against the raw unix-socket echo (the issue's
 * baseline): its own raw echo (the transport alone), and Interoffice over it,
 * spinning (the default) and futex-only. Also reports what the spinning
 * costs while idle, and where the OS placed client and server.
 */
import { connect, serve } from '@interoffice/core';
import { inspectShm, shmTransport } from '@interoffice/transport-shm';
import type { Caller } from '../measure.js';
import { benchCaller, benchImpl } from '../service.js';
import type { Row, StartServer } from './row.js';
import { Placement, measureIdle } from './shm-cost.js';
import { rawShmClient, rawShmEchoServer } from './shm-raw.js';
import { RAW_UNIX } from './socket.js';

const linux = async (): Promise<boolean> => process.platform === 'linux';

/** Servers whose idle cost was measured already: the curves open many clients, and one report per server is enough. */
const reported = new Set<string>();

function client(spinMicros: number) {
  return async (url: URL): Promise<Caller> => {
    const transports = [shmTransport({ spinMicros })];
    const channel = await connect(url, { transports });
    const caller = benchCaller(channel);
    if (reported.has(url.href)) return caller;
    reported.add(url.href);
    const serverPid = inspectShm(url).serverPid;
    const placement = new Placement(serverPid);
    return {
      call: caller.call,
      echo: caller.echo,
      async close() {
        placement.stop();
        await channel.close();
        const idle = await measureIdle(url, serverPid, spinMicros);
        console.log(`shm (spinMicros ${spinMicros}): ${placement.summary()}; ${idle}`);
      },
    };
  };
}

function shmServer(spinMicros: number): StartServer {
  return async (url) => {
    const server = await serve(benchImpl, { listen: [url], transports: [shmTransport({ spinMicros })] });
    return server.urls[0] as URL;
  };
}

export const servers: Record<string, StartServer> = {
  'raw-shm': rawShmEchoServer,
  'interoffice-shm': shmServer(50),
  'interoffice-shm-futex': shmServer(0),
};

// A segment serves at most 64 connections: the connections curve stops there.
const maxConnections = 64;

// One segment name per bench run and row ($N), so concurrent runs do not meet.
const address = `shm://bench-${process.pid}-$N`;

export const rows: Row[] = [
  {
    name: 'raw shm echo',
    baseline: RAW_UNIX,
    server: 'raw-shm',
    address,
    available: linux,
    maxConnections,
    client: rawShmClient,
  },
  {
    name: 'interoffice shm',
    baseline: RAW_UNIX,
    server: 'interoffice-shm',
    address,
    available: linux,
    maxConnections,
    client: client(50),
  },
  {
    name: 'interoffice shm, futex only',
    baseline: RAW_UNIX,
    server: 'interoffice-shm-futex',
    address,
    curve: false,
    available: linux,
    client: client(0),
  },
];

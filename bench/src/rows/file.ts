/**
 * The shared-file transport's rows, and its baselines:
 *
 * - the seed article's polling design (its server polls the file's size
 *   every 0.1 s, its client the answer every 0.2 s), with the same lock:
 *   about 200 ms a call, so it makes only 30 sequential calls;
 * - a bare `fs.watch` + rename ping-pong with no lock and no JSON work: the
 *   floor any file transport on this disk stands on.
 *
 * `interoffice file` is divided by the polling design; the ping-pong is printed beside it.
 */
import { mkdirSync, readFileSync, renameSync, watch, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { connect, serve } from '@interoffice/core';
import { fileTransport, LockFile } from '@interoffice/transport-file';
import type { Caller } from '../measure.js';
import { benchCaller, benchImpl } from '../service.js';
import type { Row, StartServer } from './row.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function locked<T>(lock: LockFile, fn: () => T): Promise<T> {
  while (!lock.tryLock()) await sleep(1);
  try {
    return fn();
  } finally {
    lock.unlock();
  }
}

type Doc = { commands: Record<string, { command: string; args: number[]; result?: number }> };

/** The seed's Alice: poll the size every 0.1 s; on a change, run every new command under the lock. */
async function pollingServer(url: URL): Promise<URL> {
  const path = url.pathname;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '{"commands": {}}');
  const lock = new LockFile(`${path}.lock`);
  let lastText = '';
  const poll = async (): Promise<void> => {
    const text = readFileSync(path, 'utf8');
    if (text !== lastText) {
      lastText = await locked(lock, () => {
        const doc = JSON.parse(readFileSync(path, 'utf8')) as Doc;
        for (const entry of Object.values(doc.commands)) {
          if (entry.result === undefined) entry.result = (entry.args[0] ?? 0) + (entry.args[1] ?? 0);
        }
        const out = JSON.stringify(doc);
        writeFileSync(path, out); // the seed writes in place without truncating; this truncates
        return out;
      });
    }
    setTimeout(() => void poll(), 100);
  };
  void poll();
  return url;
}

let clients = 0;

/** The seed's Bob: add the command under the lock, then look for the answer every 0.2 s (and remove it, so the file stays small). */
async function pollingClient(url: URL): Promise<Caller> {
  const path = url.pathname;
  const lock = new LockFile(`${path}.lock`);
  const me = ++clients; // several clients in one process (the connections curve) keep apart
  let n = 0;
  return {
    async call() {
      const key = `${process.pid}-${me}-${++n}`;
      await locked(lock, () => {
        const doc = JSON.parse(readFileSync(path, 'utf8')) as Doc;
        doc.commands[key] = { command: 'add', args: [n, 1] };
        writeFileSync(path, JSON.stringify(doc));
      });
      for (;;) {
        const result = await locked(lock, () => {
          const doc = JSON.parse(readFileSync(path, 'utf8')) as Doc;
          const answer = doc.commands[key]?.result;
          if (answer !== undefined) {
            delete doc.commands[key];
            writeFileSync(path, JSON.stringify(doc));
          }
          return answer;
        });
        if (result !== undefined) return result;
        await sleep(200);
      }
    },
    close: async () => lock.close(),
  };
}

/** Ping-pong: the client renames a request file in, the server (woken by fs.watch) renames the answer back. */
async function pingPongServer(url: URL): Promise<URL> {
  const dir = dirname(url.pathname);
  mkdirSync(dir, { recursive: true });
  let last = -1;
  watch(dir, (_event, name) => {
    if (name !== 'req') return;
    let n: number;
    try {
      n = Number(readFileSync(join(dir, 'req'), 'utf8'));
    } catch {
      return;
    }
    if (n === last) return;
    last = n;
    writeFileSync(join(dir, 'res.tmp'), String(n + 1));
    renameSync(join(dir, 'res.tmp'), join(dir, 'res'));
  });
  return url;
}

async function pingPongClient(url: URL): Promise<Caller> {
  const dir = dirname(url.pathname);
  let n = 0;
  let waiting: ((v: number) => void) | undefined;
  const watcher = watch(dir, (_event, name) => {
    if (name !== 'res' || waiting === undefined) return;
    try {
      if (Number(readFileSync(join(dir, 'res'), 'utf8')) !== n + 1) return;
    } catch {
      return;
    }
    const w = waiting;
    waiting = undefined;
    w(n + 1);
  });
  let chain: Promise<unknown> = Promise.resolve();
  const once = (): Promise<number> =>
    new Promise((resolve) => {
      waiting = resolve;
      n += 2;
      writeFileSync(join(dir, 'req.tmp'), String(n));
      renameSync(join(dir, 'req.tmp'), join(dir, 'req'));
    });
  return {
    // One exchange at a time: calls made together take turns.
    call: () => (chain = chain.then(once, once)),
    close: async () => watcher.close(),
  };
}

function interoffice(options: Parameters<typeof fileTransport>[0]) {
  return async (url: URL): Promise<Caller> => {
    const channel = await connect(url, { transports: [fileTransport(options)] });
    return benchCaller(channel);
  };
}

function interofficeServer(options: Parameters<typeof fileTransport>[0]): StartServer {
  return async (url) => {
    const server = await serve(benchImpl, { listen: [url], transports: [fileTransport(options)] });
    return server.urls[0] as URL;
  };
}

export const servers: Record<string, StartServer> = {
  'file-polling': pollingServer,
  'file-pingpong': pingPongServer,
  'interoffice-file': interofficeServer({}),
  'interoffice-file-in-place': interofficeServer({ write: 'in-place' }),
};

const POLLING = 'file: polling design (seed: 0.1 s / 0.2 s)';
const PING_PONG = 'file: fs.watch + rename ping-pong, no lock';
const address = 'file://$DIR/$N/shared.json';

export const rows: Row[] = [
  // Lock contention at 200 ms a call: the connections curve stops at 10.
  { name: POLLING, server: 'file-polling', address, calls: 30, maxConnections: 10, client: pollingClient },
  // One request file and one answer file: one client at a time.
  { name: PING_PONG, server: 'file-pingpong', address, maxConnections: 1, client: pingPongClient },
  {
    name: 'interoffice file',
    baseline: POLLING,
    server: 'interoffice-file',
    address,
    maxConnections: 100,
    client: interoffice({}),
  },
  {
    name: 'interoffice file, in-place writes',
    baseline: POLLING,
    server: 'interoffice-file-in-place',
    address,
    client: interoffice({ write: 'in-place' }),
    curve: false,
  },
];

/** Test helpers: temp paths, a calculator service, raw NDJSON sockets. */
import { mkdtempSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineService, implement, RpcError, unary, type CallContext } from '@interoffice/core';
import { z } from 'zod';

const dir = mkdtempSync(join(tmpdir(), 'io-sock-'));
let n = 0;

/** A fresh unix socket path. */
export function socketPath(): string {
  return join(dir, `t${n++}.sock`);
}

export class AliceBroke extends RpcError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

const Operands = z.object({ a: z.number(), b: z.number() });
export const Calculator = defineService(
  'Calculator',
  {
    add: unary({ input: Operands, output: z.number() }),
    echo: unary({ input: z.object({ text: z.string() }), output: z.string() }),
    wait: unary({ input: z.object({ ms: z.number() }), output: z.string() }),
    blob: unary({ input: z.object({ bytes: z.number().int() }), output: z.string() }),
  },
  { errors: [AliceBroke] },
);

/** Handlers that count calls and report aborted waits. */
export function calculator(seen: { calls: number; aborted: unknown[] } = { calls: 0, aborted: [] }) {
  return implement(Calculator, {
    add: ({ a, b }) => {
      seen.calls++;
      return a + b;
    },
    echo: ({ text }) => {
      seen.calls++;
      return text;
    },
    blob: ({ bytes }) => {
      seen.calls++;
      return 'x'.repeat(bytes);
    },
    wait: ({ ms }, ctx: CallContext) =>
      new Promise((resolve, reject) => {
        seen.calls++;
        const t = setTimeout(() => resolve('waited'), ms);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(t);
          seen.aborted.push(ctx.signal.reason);
          reject(ctx.signal.reason);
        });
      }),
  });
}

/** A raw NDJSON socket: write lines, read parsed lines. */
export class RawSocket {
  readonly socket: Socket;
  readonly lines: string[] = [];
  #rest = '';
  #wake: (() => void) | undefined;
  ended = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      const parts = (this.#rest + chunk).split('\n');
      this.#rest = parts.pop() ?? '';
      this.lines.push(...parts);
      this.#wake?.();
    });
    socket.on('close', () => {
      this.ended = true;
      this.#wake?.();
    });
    socket.on('error', () => {});
  }

  static open(target: string | { host: string; port: number }): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const s = typeof target === 'string' ? createConnection(target) : createConnection(target);
      s.once('connect', () => resolve(new RawSocket(s)));
      s.once('error', reject);
    });
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** The next line, parsed as JSON. */
  async next(ms = 3000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms;
    while (this.lines.length === 0) {
      if (this.ended) throw new Error('socket closed before a line arrived');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no line in time');
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
    return JSON.parse(this.lines.shift() as string) as Record<string, unknown>;
  }

  /** Resolves when the peer has closed the socket. */
  async closed(ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('socket still open');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A logger that keeps what it is told. */
export function memoryLogger(): { warnings: string[]; errors: string[]; warn(m: string): void; error(m: string): void } {
  const log = {
    warnings: [] as string[],
    errors: [] as string[],
    warn: (m: string) => void log.warnings.push(m),
    error: (m: string) => void log.errors.push(m),
  };
  return log;
}

/**
 * A stdio server owns its stdout: every byte there must be a frame. While
 * it serves, anything else the process writes to `process.stdout` —
 * `console.log` in a handler, a chatty library — goes to stderr instead,
 * where logs belong. Frames reach the real stdout through the stream
 * returned here.
 */
import { Writable } from 'node:stream';

type Write = typeof process.stdout.write;
type RawWrite = (chunk: string | Buffer, callback: (error?: Error | null) => void) => boolean;

export interface TakenStdout {
  /** The protocol's way to stdout. */
  readonly output: Writable;
  /** Give `process.stdout` back to the process. */
  release(): void;
}

let taken = false;

/** Take `process.stdout` for frames. Only one stdio server per process. */
export function takeStdout(): TakenStdout {
  if (taken) throw new Error("this process's stdout already carries a stdio: server");
  taken = true;
  const stdout = process.stdout;
  const original: Write = stdout.write;
  const toStderr = ((chunk: unknown, encoding?: unknown, callback?: unknown) =>
    (process.stderr.write as (...args: unknown[]) => boolean)(chunk, encoding, callback)) as Write;
  stdout.write = toStderr;
  const output = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      (original as RawWrite).call(stdout, chunk, (error) => callback(error ?? null));
    },
  });
  // EPIPE when the client is gone: end the connection, do not crash the process. The listener
  // stays after release: with the client gone, a later write to stdout has nowhere to go anyway.
  stdout.on('error', (e: Error) => void output.destroy(e));
  let released = false;
  return {
    output,
    release() {
      if (released) return;
      released = true;
      taken = false;
      if (stdout.write === toStderr) stdout.write = original;
    },
  };
}

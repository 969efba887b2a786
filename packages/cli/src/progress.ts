/**
 * Progress of a long command on stderr: a bar redrawn in place on a
 * terminal; off a terminal (a log, a test), one plain line per stage.
 */
import type { Io } from './io.js';

export interface ProgressBar {
  /** A new stage: its name, and how many steps it has. */
  stage(name: string, total: number): void;
  /** Steps of the current stage done so far. */
  update(done: number): void;
  /** Clear the bar before results are printed. */
  end(): void;
}

export function progressBar(io: Io, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (stream.isTTY !== true) {
    return { stage: (name) => io.err(`${name}…`), update: () => {}, end: () => {} };
  }
  let name = '';
  let total = 1;
  let last = -1;
  const draw = (done: number): void => {
    const width = 30;
    const full = Math.min(width, Math.round((width * done) / total));
    if (full === last) return; // redraw only when the bar moves
    last = full;
    stream.write(`\r\x1b[K[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${name}`);
  };
  return {
    stage(n, t) {
      name = n;
      total = Math.max(1, t);
      last = -1;
      draw(0);
    },
    update: draw,
    end: () => void stream.write('\r\x1b[K'),
  };
}

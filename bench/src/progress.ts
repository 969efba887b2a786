/**
 * Progress while the bench runs (it takes minutes), on stderr: a bar
 * redrawn in place on a terminal, a plain line per stage otherwise (a log
 * or CI keeps every line and no carriage returns).
 */
export class Progress {
  readonly #total: number;
  readonly #tty: boolean;
  readonly #write: (text: string) => void;
  #done = 0;
  #stage = '';
  readonly #t0 = performance.now();

  constructor(total: number, stream: NodeJS.WriteStream = process.stderr) {
    this.#total = Math.max(1, total);
    this.#tty = stream.isTTY === true;
    this.#write = (text) => void stream.write(text);
  }

  /** A new stage (printed as a line when not on a terminal). */
  stage(name: string): void {
    this.#stage = name;
    if (this.#tty) this.#draw();
    else this.#write(`[${this.#percent()}%] ${name}\n`);
  }

  /** `n` steps of the total done. */
  tick(n = 1): void {
    this.#done = Math.min(this.#total, this.#done + n);
    if (this.#tty) this.#draw();
  }

  /** A note between bars (a row left out, say). */
  note(line: string): void {
    if (this.#tty) this.#write('\r\x1b[K');
    this.#write(`${line}\n`);
    if (this.#tty) this.#draw();
  }

  /** Clear the bar (a terminal) before the results are printed. */
  end(): void {
    if (this.#tty) this.#write('\r\x1b[K');
    else this.#write(`[100%] done in ${((performance.now() - this.#t0) / 1000).toFixed(0)} s\n`);
  }

  #percent(): number {
    return Math.floor((100 * this.#done) / this.#total);
  }

  #draw(): void {
    const width = 30;
    const full = Math.round((width * this.#done) / this.#total);
    const secs = ((performance.now() - this.#t0) / 1000).toFixed(0);
    const columns = (process.stderr.columns ?? 100) - width - 16;
    const label = this.#stage.length > columns ? `${this.#stage.slice(0, Math.max(0, columns - 1))}…` : this.#stage;
    this.#write(
      `\r\x1b[K[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${String(this.#percent()).padStart(3)}% ${secs}s ${label}`,
    );
  }
}

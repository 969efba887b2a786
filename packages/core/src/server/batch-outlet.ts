/**
 * A batch's outlet: it gathers the answers of the batch's calls (stream
 * items pass straight through) and, once every request has answered or
 * needs nothing, hands them to the batch's own outlet as one answer.
 *
 * The whole answer is held to the frame limit as it grows, not after: a
 * batch of small requests with large answers (`rpc.discover` turns 50 bytes
 * into kilobytes) cannot make the server build a string of gigabytes.
 * Past the limit the answers are dropped and the batch is answered with
 * one RESOURCE_EXHAUSTED error; the calls still run.
 */
import { encodeError, type Id } from '../envelope.js';
import { RpcError } from '../error.js';
import type { Metadata } from '../metadata.js';
import { resultText, type BatchParent, type Outlet } from './outlet.js';

export class BatchOutlet implements Outlet {
  readonly #parent: BatchParent;
  readonly #max: number;
  #answers: string[] = [];
  #bytes = 2; // the brackets
  #left: number;
  #overflow = false;
  #deadline = -Infinity;

  /** An outlet for the `count` requests of a batch that answers through `parent`. */
  constructor(parent: BatchParent, count: number) {
    this.#parent = parent;
    this.#left = count;
    this.#max = parent.maxFrameBytes;
  }

  item(id: Id, wire: unknown, deadline: number, itemId?: string): boolean {
    return this.#parent.item(id, wire, deadline, itemId);
  }

  result(id: Id, wire: unknown, meta: Metadata | undefined, deadline: number): void {
    const text = this.#overflow ? '' : resultText(id, wire, meta, this.#max);
    this.#add(typeof text === 'string' ? text : encodeError(id, text), deadline);
  }

  error(id: Id, error: RpcError, meta: Metadata | undefined, deadline: number, jsonRpcCode?: number): void {
    this.#add(this.#overflow ? '' : encodeError(id, error, meta, jsonRpcCode), deadline);
  }

  none(): void {
    this.#done();
  }

  #add(answer: string, deadline: number): void {
    if (deadline > this.#deadline) this.#deadline = deadline;
    if (!this.#overflow) {
      this.#bytes += Buffer.byteLength(answer) + 1; // and its comma
      if (this.#bytes > this.#max) {
        this.#overflow = true;
        this.#answers = [];
      } else {
        this.#answers.push(answer);
      }
    }
    this.#done();
  }

  #done(): void {
    if (--this.#left > 0) return;
    if (this.#overflow) {
      const error = new RpcError('RESOURCE_EXHAUSTED', `the answer to this batch exceeds the frame limit of ${this.#max} bytes`);
      this.#parent.error(null, error, undefined, this.#deadline);
    } else if (this.#answers.length > 0) {
      this.#parent.batch(this.#answers, this.#deadline);
    } else {
      this.#parent.none();
    }
  }
}

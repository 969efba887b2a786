/**
 * The outlet of one message a medium delivered: each answer goes back to
 * the medium as an {@link Answer} — the envelope text, and, for a single
 * response, its members (for media with a record format of their own) —
 * with the deadline of the calls it answers. It ends its delivery exactly
 * once: with the answer, with none, or abandoned when the server closes.
 */
import { encodeError, errorToWire, type Id } from '../envelope.js';
import type { RpcError } from '../error.js';
import type { Logger } from '../logger.js';
import { hasMetadata, type Metadata } from '../metadata.js';
import type { Answer, Delivery, ResponseFields } from '../transport.js';
import { itemText, resultText, type BatchParent } from './outlet.js';

export class DeliveryOutlet implements BatchParent {
  readonly maxFrameBytes: number;
  readonly #delivery: Delivery;
  /** The caller's deliveries not yet ended; this one leaves it when it ends. */
  readonly #open: Set<DeliveryOutlet>;
  readonly #logger: Logger;
  #done = false;

  constructor(delivery: Delivery, maxFrameBytes: number, open: Set<DeliveryOutlet>, logger: Logger) {
    this.#delivery = delivery;
    this.maxFrameBytes = maxFrameBytes;
    this.#open = open;
    this.#logger = logger;
    open.add(this);
  }

  item(id: Id, wire: unknown, deadline: number): boolean {
    if (this.#done) return true;
    const text = itemText(id, wire, this.maxFrameBytes);
    try {
      return this.#delivery.item({ text, fields: { id, item: wire }, deadline });
    } catch (e) {
      this.#logger.error(`the medium failed to take a stream item for ${this.#delivery.caller}`, e);
      return true;
    }
  }

  result(id: Id, wire: unknown, meta: Metadata | undefined, deadline: number): void {
    const text = resultText(id, wire, meta, this.maxFrameBytes);
    if (typeof text !== 'string') return this.error(id, text, undefined, deadline);
    const fields: ResponseFields = hasMetadata(meta) ? { id, result: wire, meta } : { id, result: wire };
    this.#end({ text, fields, deadline });
  }

  error(id: Id, error: RpcError, meta: Metadata | undefined, deadline: number, jsonRpcCode?: number): void {
    const m = meta ?? error.meta;
    const wire = errorToWire(error, jsonRpcCode);
    const fields: ResponseFields = hasMetadata(m) ? { id, error: wire, meta: m } : { id, error: wire };
    this.#end({ text: encodeError(id, error, m, jsonRpcCode), fields, deadline });
  }

  none(): void {
    this.#end(undefined);
  }

  batch(answers: readonly string[], deadline: number): void {
    this.#end({ text: `[${answers.join(',')}]`, fields: undefined, deadline });
  }

  /** The server is closing before this message was answered. */
  abandon(): void {
    if (this.#finish()) this.#call(() => this.#delivery.abandon());
  }

  /** End without an answer (its caller left). */
  drop(): void {
    this.#end(undefined);
  }

  #end(answer: Answer | undefined): void {
    if (this.#finish()) this.#call(() => this.#delivery.end(answer));
  }

  #finish(): boolean {
    if (this.#done) return false;
    this.#done = true;
    this.#open.delete(this);
    return true;
  }

  /** A medium that throws is a bug of its own; the server goes on. */
  #call(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.#logger.error(`the medium failed to end a delivery from ${this.#delivery.caller}`, e);
    }
  }
}

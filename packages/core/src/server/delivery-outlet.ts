/**
 * The outlet of one message a medium delivered: each answer goes back to
 * the medium as an {@link Answer} — the envelope text, and, for a single
 * response, its members (for media with a record format of their own) —
 * with the deadline of the calls it answers. It ends its delivery exactly
 * once: with the answer, with none, or abandoned when the server closes
 * (unless a stream has sent items: a second run would send them again).
 */
import { encodeError, errorToWire, type Id } from '../envelope.js';
import { RpcError } from '../error.js';
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
  /** The stream call this message opened, once it has sent an item. */
  #streamed: { readonly id: Id; readonly deadline: number } | undefined;

  constructor(delivery: Delivery, maxFrameBytes: number, open: Set<DeliveryOutlet>, logger: Logger) {
    this.#delivery = delivery;
    this.maxFrameBytes = Math.min(maxFrameBytes, delivery.maxAnswerBytes ?? Infinity);
    this.#open = open;
    this.#logger = logger;
    open.add(this);
  }

  get message(): string | undefined {
    const body = this.#delivery.body;
    return typeof body === 'string' && this.#delivery.tooLarge === undefined ? body : undefined;
  }

  item(id: Id, wire: unknown, deadline: number, itemId?: string): boolean {
    if (this.#done) return true;
    this.#streamed ??= { id, deadline };
    const text = itemText(id, wire, this.maxFrameBytes, itemId);
    try {
      const fields: ResponseFields = itemId === undefined ? { id, item: wire } : { id, item: wire, itemId };
      return this.#delivery.item({ text, fields, deadline });
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

  /**
   * The server is closing before this message was answered: another server may take it, unless
   * it opened a stream that has sent items, which a second run would send again. That caller is
   * told UNAVAILABLE (a resumable stream resumes after its last item).
   */
  abandon(): void {
    const s = this.#streamed;
    if (s !== undefined)
      return this.error(s.id, new RpcError('UNAVAILABLE', 'the server shut down mid-stream'), undefined, s.deadline);
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

/**
 * Where the answers to one message go. A session answers each request of a
 * message through its outlet, without knowing what is behind it: the
 * connection it came on (frames), one delivery of a message medium, or a
 * batch gathering its answers into one.
 */
import { encodeError, encodeGrant, encodeItem, encodeResult, type Id } from '../envelope.js';
import type { RpcError } from '../error.js';
import { frameTooLarge } from '../frame-size.js';
import type { Metadata } from '../metadata.js';
import type { Connection } from '../transport.js';

export interface Outlet {
  /**
   * One stream item of call `id`. False when the peer is behind (wait for
   * drain); throws RESOURCE_EXHAUSTED when it is over the frame limit.
   */
  item(id: Id, wire: unknown, deadline: number, itemId?: string): boolean;
  /** The answer to one request of the message: a result. */
  result(id: Id, wire: unknown, meta: Metadata | undefined, deadline: number): void;
  /** The answer to one request of the message: an error (`jsonRpcCode` overrides the mapping). */
  error(id: Id, error: RpcError, meta: Metadata | undefined, deadline: number, jsonRpcCode?: number): void;
  /** One request of the message needs no answer (a notification, a cancel). */
  none(): void;
  /**
   * Grant the caller `n` more inputs of call `id` (a call that takes a stream). Absent where
   * such calls cannot run: a message medium hands each message to any server, and a caller's
   * inputs must reach the one running its call.
   */
  credit?(id: Id, n: number): void;
  /**
   * The message this request came in, whole, where a medium may deliver the same message again
   * (a message medium's delivery, as text). A request whose id is in flight from a message of
   * the very same text is that copy: it is not refused, since the call it copies answers.
   */
  readonly message?: string;
}

/** An outlet that can also take a batch's gathered answers. */
export interface BatchParent extends Outlet {
  /** The frame limit a batch's whole answer is held to. */
  readonly maxFrameBytes: number;
  /** The answers to a batch, in the order they came, as envelope text each. */
  batch(answers: readonly string[], deadline: number): void;
}

/** A result's text, or RESOURCE_EXHAUSTED when it is over the frame limit. */
export function resultText(id: Id, wire: unknown, meta: Metadata | undefined, max: number): string | RpcError {
  const frame = encodeResult(id, wire, meta);
  return frameTooLarge(frame, max, 'response') ?? frame;
}

/** An item's text; throws RESOURCE_EXHAUSTED when it is over the frame limit (the stream fails with it). */
export function itemText(id: Id, wire: unknown, max: number, itemId?: string): string {
  const frame = encodeItem(id, wire, itemId);
  const tooLarge = frameTooLarge(frame, max, 'stream item');
  if (tooLarge !== undefined) throw tooLarge;
  return frame;
}

/** Answers go straight onto a frame connection: one outlet per connection, for all its messages. */
export class FrameOutlet implements BatchParent {
  readonly #conn: Connection;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  get maxFrameBytes(): number {
    return this.#conn.maxFrameBytes;
  }

  item(id: Id, wire: unknown, _deadline: number, itemId?: string): boolean {
    return this.#conn.send(itemText(id, wire, this.#conn.maxFrameBytes, itemId));
  }

  result(id: Id, wire: unknown, meta: Metadata | undefined): void {
    const text = resultText(id, wire, meta, this.#conn.maxFrameBytes);
    this.#conn.send(typeof text === 'string' ? text : encodeError(id, text));
  }

  error(id: Id, error: RpcError, meta: Metadata | undefined, _deadline: number, jsonRpcCode?: number): void {
    this.#conn.send(encodeError(id, error, meta, jsonRpcCode));
  }

  none(): void {}

  credit(id: Id, n: number): void {
    this.#conn.send(encodeGrant(id, n));
  }

  batch(answers: readonly string[]): void {
    this.#conn.send(`[${answers.join(',')}]`);
  }
}

/**
 * What a channel needs of one connection, whatever the transport's shape:
 * a frame connection carries the envelope as text, cancels and credit
 * included; a message medium is told what each request is and is asked to
 * cancel (and, when it can, to grant credit).
 */
import type { ChannelCall } from '../call.js';
import { encodeCancel, encodeCredit } from '../envelope.js';
import { hasMetadata } from '../metadata.js';
import type { Connection, MessageConnection, RequestFields } from '../transport.js';

export interface Link {
  readonly maxFrameBytes: number;
  /**
   * Send a request: `text` is its envelope, `id` its call id (undefined for
   * a notification), `timeout` the milliseconds it carries (undefined for none).
   */
  request(text: string, id: number | undefined, call: ChannelCall, timeout: number | undefined): void;
  /** Stop call `id` on the server. */
  cancel(id: number): void;
  /** Whether {@link grant} reaches the server running a call: only then does a stream ask for credit. */
  readonly grants: boolean;
  /** Whether {@link grant} is wanted at all: it reaches the server, or the medium paces its reading by it. */
  readonly counts: boolean;
  /** Let server stream `id` send `n` more items (the caller took them). */
  grant(id: number, n: number): void;
  /** What the medium knows of why a call got no answer, for its deadline error. */
  whyUnanswered(): string | undefined;
  close(): void;
}

export class FrameLink implements Link {
  readonly #conn: Connection;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  get maxFrameBytes(): number {
    return this.#conn.maxFrameBytes;
  }

  request(text: string): void {
    this.#conn.send(text);
  }

  cancel(id: number): void {
    this.#conn.send(encodeCancel(id));
  }

  readonly grants = true;
  readonly counts = true;

  grant(id: number, n: number): void {
    this.#conn.send(encodeCredit(id, n));
  }

  whyUnanswered(): undefined {
    return undefined; // a connection's peer is there, or the connection closes
  }

  close(): void {
    this.#conn.close();
  }
}

const noIds: readonly number[] = [];

export class MessageLink implements Link {
  readonly #conn: MessageConnection;

  constructor(conn: MessageConnection) {
    this.#conn = conn;
  }

  get maxFrameBytes(): number {
    return this.#conn.maxFrameBytes;
  }

  request(text: string, id: number | undefined, call: ChannelCall, timeout: number | undefined): void {
    const fields: { -readonly [K in keyof RequestFields]: RequestFields[K] } = { method: call.method };
    if (id !== undefined) fields.id = id;
    if (call.params !== undefined) fields.params = call.params;
    if (hasMetadata(call.meta)) fields.meta = call.meta;
    if (timeout !== undefined) fields.timeout = timeout;
    if (call.resumeAfter !== undefined) fields.resumeAfter = call.resumeAfter;
    this.#conn.send({ text, ids: id === undefined ? noIds : [id], deadline: call.deadline, fields });
  }

  cancel(id: number): void {
    this.#conn.cancel(id);
  }

  /** A medium carries credit only when it says how (`MessageConnection.credit`), as it carries cancels. */
  get grants(): boolean {
    return this.#conn.credit !== undefined;
  }

  get counts(): boolean {
    return this.#conn.credit !== undefined || this.#conn.taken !== undefined;
  }

  grant(id: number, n: number): void {
    if (this.#conn.credit !== undefined) this.#conn.credit(id, n);
    else this.#conn.taken?.(id, n);
  }

  whyUnanswered(): string | undefined {
    return this.#conn.whyUnanswered?.();
  }

  close(): void {
    this.#conn.close();
  }
}

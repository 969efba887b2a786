/**
 * What a channel needs of one connection, whatever the transport's shape:
 * a frame connection carries the envelope as text, cancels included; a
 * message medium is told what each request is and is asked to cancel.
 */
import type { ChannelCall } from '../call.js';
import { encodeCancel } from '../envelope.js';
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

  whyUnanswered(): string | undefined {
    return this.#conn.whyUnanswered?.();
  }

  close(): void {
    this.#conn.close();
  }
}

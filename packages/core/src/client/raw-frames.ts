/**
 * Raw frames over any frame or message transport: what a peer that writes
 * its own envelope (a test, a tool) sends goes out as it is. Over a message
 * medium each frame is read once, here, for what the medium needs to know:
 * a cancel becomes the medium's cancel, anything else a request with the
 * ids it opens (none, for what is not a well-formed request).
 */
import type { Transport } from '../call-transport.js';
import { callIdOf, CANCEL_METHOD, encodeError, isId, type Id } from '../envelope.js';
import { RpcError } from '../error.js';
import type {
  Connection,
  FrameHandler,
  MessageConnection,
  OutgoingRequest,
  RequestFields,
  ResponseFields,
} from '../transport.js';

function parse(frame: string): unknown {
  try {
    return JSON.parse(frame);
  } catch {
    return undefined;
  }
}

/** What a message medium is told of a raw frame. */
export function outgoingFrame(frame: string): OutgoingRequest | { readonly cancel: Id } {
  const msg = parse(frame);
  const m = (typeof msg === 'object' && msg !== null && !Array.isArray(msg) ? msg : {}) as Record<string, unknown>;
  if (m.method === CANCEL_METHOD && !('id' in m) && typeof m.params === 'object' && m.params !== null) {
    const id = (m.params as { id?: unknown }).id;
    if (isId(id)) return { cancel: id };
  }
  const ids = (Array.isArray(msg) ? msg : [msg]).map(callIdOf).filter((id): id is Id => id !== undefined);
  const timeout = typeof m.timeout === 'number' && m.timeout >= 0 ? m.timeout : undefined;
  // One well-formed request, which a medium's own record can hold member by member.
  const params = m.params;
  const single =
    !Array.isArray(msg) &&
    m.jsonrpc === '2.0' &&
    typeof m.method === 'string' &&
    (ids.length === 1 || !('id' in m)) &&
    (params === undefined || (typeof params === 'object' && params !== null));
  const fields = single ? (m as unknown as RequestFields) : undefined;
  return { text: frame, ids, deadline: timeout === undefined ? Infinity : Date.now() + timeout, fields };
}

/**
 * A connection to `url` that sends frames as they are given and hands back
 * the server's as text, whatever the shape of the transport (not a call
 * transport): for tools and tests that write their own envelope.
 */
export async function rawConnection(transport: Transport, url: URL, handler: FrameHandler): Promise<Connection> {
  if (transport.kind === 'calls') throw new TypeError('raw frames need a frame or message transport');
  if (transport.kind !== 'messages') return transport.connect(url, handler);
  const conn: MessageConnection = await transport.connect(url, {
    response: (r) => handler.frame(typeof r === 'string' ? r : JSON.stringify({ jsonrpc: '2.0', ...(r as ResponseFields) })),
    oversized: (bytes, head) =>
      handler.oversized(typeof head === 'string' ? head : `{"jsonrpc":"2.0","id":${JSON.stringify(head.id)}`, bytes),
    refused: (request, error) => {
      const e = RpcError.from(error, 'UNAVAILABLE');
      for (const id of request.ids) handler.frame(encodeError(id, e));
    },
    closed: (error) => handler.closed(error),
  });
  return {
    maxFrameBytes: conn.maxFrameBytes,
    peer: conn.peer,
    send(frame) {
      const out = outgoingFrame(frame);
      if ('cancel' in out) conn.cancel(out.cancel);
      else conn.send(out);
      return true;
    },
    close: () => conn.close(),
  };
}

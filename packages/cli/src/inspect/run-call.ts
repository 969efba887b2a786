/**
 * One call the page asked for, made with the ordinary client, reported as
 * JSON lines: the result (or each stream item as it arrives, then the end),
 * or the error with its code — each with the response metadata and the
 * milliseconds since the call began.
 */
import { RpcError, rawCall, type Channel, type ChannelCall, type Metadata } from '@interoffice/core';
import type { MethodView } from './describe.js';

export interface CallRequest {
  readonly method: string;
  readonly kind: MethodView['kind'];
  readonly params: unknown;
  readonly meta: Metadata;
  readonly timeout: number;
}

export async function runCall(channel: Channel, r: CallRequest, signal: AbortSignal, line: (o: object) => void): Promise<void> {
  const started = performance.now();
  const ms = (): number => Math.round((performance.now() - started) * 1000) / 1000;
  let meta: Metadata | undefined;
  const onResponseMeta = (m: Metadata): void => void (meta = m);
  try {
    if (r.kind === 'clientStream' || r.kind === 'bidiStream') {
      throw new RpcError(
        'UNIMPLEMENTED',
        `${r.method} takes a stream of inputs: the inspector calls unary and server-stream methods`,
      );
    }
    const call: ChannelCall = {
      method: r.method,
      kind: r.kind,
      descriptor: undefined,
      params: r.params,
      meta: r.meta,
      deadline: Date.now() + r.timeout,
      signal,
      waitForReady: false,
      onResponseMeta,
      errors: undefined,
      decode: (wire) => wire,
    };
    if (r.kind === 'serverStream') {
      for await (const item of channel.stream(call)) line({ item, ms: ms() });
      line({ end: true, meta: meta ?? {}, ms: ms() });
    } else if (r.kind === 'notification') {
      await channel.notify(call);
      line({ sent: true, ms: ms() });
    } else {
      const result = await rawCall(channel, r.method, r.params, { timeout: r.timeout, meta: r.meta, signal, onResponseMeta });
      line({ result: result ?? null, meta: meta ?? {}, ms: ms() });
    }
  } catch (e) {
    const err = RpcError.from(e);
    const error = {
      code: err.code,
      name: err.name,
      message: err.message,
      ...(err.details === undefined ? {} : { details: err.details }),
    };
    line({ error, meta: meta ?? err.meta ?? {}, ms: ms() });
  }
}

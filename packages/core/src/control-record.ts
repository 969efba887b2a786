/**
 * The control records a broker's clients publish beside their requests, on
 * a channel every worker hears (a cancel must find its call wherever it
 * runs): a call cancelled, credit for a server stream's items, the caller
 * gone. A record of each medium's own wire, not the JSON-RPC envelope, in
 * one of two dialects, kept as their docs give them: Redis and NATS write
 * `{"client":…,"cancel":…}` and `{"client":…,"closed":true}`; RabbitMQ and
 * MQTT `{"caller":…}` and `{"caller":…,"left":true}`.
 */
import type { MessageServer, RequestId } from './transport.js';

/** What a caller tells every worker of its service. */
export type ControlRecord =
  | { readonly caller: string; readonly cancel: RequestId }
  | { readonly caller: string; readonly credit: RequestId; readonly n: number }
  | { readonly caller: string; readonly left: true };

/** The names one medium's records use for the caller and for its leaving. */
export interface ControlDialect {
  readonly caller: 'client' | 'caller';
  readonly left: 'closed' | 'left';
}

/** Redis's and NATS's records: `{"client":…,"cancel":…}`, `{"client":…,"closed":true}`. */
export const CLIENT_CLOSED: ControlDialect = { caller: 'client', left: 'closed' };
/** RabbitMQ's and MQTT's records: `{"caller":…,"cancel":…}`, `{"caller":…,"left":true}`. */
export const CALLER_LEFT: ControlDialect = { caller: 'caller', left: 'left' };

/** The text of `record` in `dialect`. */
export function controlText(dialect: ControlDialect, record: ControlRecord): string {
  const caller = JSON.stringify(record.caller);
  if ('left' in record) return `{"${dialect.caller}":${caller},"${dialect.left}":true}`;
  if ('credit' in record) return `{"${dialect.caller}":${caller},"credit":${JSON.stringify(record.credit)},"n":${record.n}}`;
  return `{"${dialect.caller}":${caller},"cancel":${JSON.stringify(record.cancel)}}`;
}

/**
 * The record `text` holds in `dialect`; undefined for anything else (a
 * stray message on the channel is ignored). `callerOk` narrows which caller
 * names a medium accepts (any non-empty string by default).
 */
export function parseControl(
  dialect: ControlDialect,
  text: string,
  callerOk: (caller: string) => boolean = (c) => c !== '',
): ControlRecord | undefined {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof m !== 'object' || m === null) return undefined;
  const r = m as Record<string, unknown>;
  const caller = r[dialect.caller];
  if (typeof caller !== 'string' || !callerOk(caller)) return undefined;
  if (r[dialect.left] === true) return { caller, left: true };
  if ('credit' in r) {
    const n = r.n;
    if (!isCallId(r.credit) || typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) return undefined;
    return { caller, credit: r.credit, n };
  }
  return isCallId(r.cancel) ? { caller, cancel: r.cancel } : undefined;
}

/** Hand the record `text` holds, if any, to `server`: a cancel, credit, or the caller gone. */
export function takeControl(
  server: MessageServer,
  dialect: ControlDialect,
  text: string,
  callerOk?: (caller: string) => boolean,
): void {
  const r = parseControl(dialect, text, callerOk);
  if (r === undefined) return;
  if ('left' in r) server.left(r.caller);
  else if ('credit' in r) server.credit(r.caller, r.credit, r.n);
  else server.cancel(r.caller, r.cancel);
}

function isCallId(c: unknown): c is RequestId {
  return c === null || typeof c === 'string' || (typeof c === 'number' && Number.isFinite(c));
}

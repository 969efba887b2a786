/**
 * Control messages on a service's control channel (a record of this
 * medium's own, not the envelope): `{"client": <id>, "cancel": <call id>}`,
 * `{"client": <id>, "credit": <call id>, "n": <count>}` and
 * `{"client": <id>, "closed": true}`. Every worker hears every one, so a
 * cancel or credit finds its call wherever it runs; core remembers a cancel
 * that arrives before its request (credit never does: it is sent for items taken).
 */
import type { RequestId } from '@interoffice/core';
import { CLIENT_ID } from './keys.js';

export type ControlMessage =
  | { client: string; cancel: RequestId }
  | { client: string; credit: RequestId; n: number }
  | { client: string; closed: true };

/** The text of a control message. */
export function controlText(message: ControlMessage): string {
  return JSON.stringify(message);
}

/** Parse a control message; undefined for anything else. */
export function parseControl(text: string): ControlMessage | undefined {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof m !== 'object' || m === null) return undefined;
  const r = m as { client?: unknown; cancel?: unknown; credit?: unknown; n?: unknown; closed?: unknown };
  if (typeof r.client !== 'string' || !CLIENT_ID.test(r.client)) return undefined;
  if (r.closed === true) return { client: r.client, closed: true };
  if ('credit' in r) {
    const n = r.n;
    if (!isCallId(r.credit) || typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) return undefined;
    return { client: r.client, credit: r.credit, n };
  }
  return isCallId(r.cancel) ? { client: r.client, cancel: r.cancel } : undefined;
}

function isCallId(c: unknown): c is RequestId {
  return c === null || typeof c === 'string' || (typeof c === 'number' && Number.isFinite(c));
}

/**
 * Control messages on a subject's control subject (a record of this
 * medium's own, not the envelope): `{"client": <id>, "cancel": <call id>}`
 * and `{"client": <id>, "closed": true}`. Every worker hears every one, so a
 * cancel finds its call wherever it runs; core remembers one that arrives
 * before its request.
 */
import type { RequestId } from '@interoffice/core';

export type ControlMessage = { client: string; cancel: RequestId } | { client: string; closed: true };

/** Parse a control message; undefined for anything else. */
export function parseControl(text: string): ControlMessage | undefined {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof m !== 'object' || m === null) return undefined;
  const r = m as { client?: unknown; cancel?: unknown; closed?: unknown };
  if (typeof r.client !== 'string' || r.client === '') return undefined;
  if (r.closed === true) return { client: r.client, closed: true };
  const c = r.cancel;
  if (c === null || typeof c === 'string' || (typeof c === 'number' && Number.isFinite(c)))
    return { client: r.client, cancel: c };
  return undefined;
}

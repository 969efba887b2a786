/**
 * What the transport must know of the frames it carries, read cheaply: which
 * calls a request frame opens, which call a response frame answers (and
 * whether it is final), and how to age a request's `timeout` by the time it
 * waited in the queue. Core's own encodings take a fast path; any other
 * valid JSON-RPC (a Python peer's) is parsed.
 */
import { CANCEL_METHOD, type Id } from '@interoffice/core';

/** A request id as a map key: its JSON text, so `7` and `"7"` differ. */
export function idKey(id: Id): string {
  return typeof id === 'number' ? String(id) : JSON.stringify(id);
}

function isId(v: unknown): v is Id {
  return v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

const HEAD = '{"jsonrpc":"2.0","id":';

/** The id that follows {@link HEAD} and the index after it, for frames in core's member order. */
function scanId(frame: string): { id: Id; end: number } | undefined {
  if (!frame.startsWith(HEAD)) return undefined;
  const start = HEAD.length;
  const c = frame.charCodeAt(start);
  let end = start;
  if (c === 0x22) {
    for (end = start + 1; end < frame.length; end++) {
      const d = frame.charCodeAt(end);
      if (d === 0x5c) end++;
      else if (d === 0x22) break;
    }
    end++;
  } else if (frame.startsWith('null', start)) {
    end = start + 4;
  } else {
    while (end < frame.length && /[-+.eE0-9]/.test(frame[end] as string)) end++;
  }
  if (end === start || frame.charCodeAt(end) !== 0x2c) return undefined;
  try {
    const id: unknown = JSON.parse(frame.slice(start, end));
    return isId(id) ? { id, end } : undefined;
  } catch {
    return undefined;
  }
}

function parse(frame: string): unknown {
  try {
    return JSON.parse(frame);
  } catch {
    return undefined;
  }
}

/** The id of a message the server will answer as a call: a method (not `rpc.cancel`) and a valid id. */
function callId(m: unknown): Id | undefined {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return undefined;
  const r = m as Record<string, unknown>;
  if (!('id' in r) || !isId(r.id) || typeof r.method !== 'string' || r.method === CANCEL_METHOD) return undefined;
  return r.id;
}

/** The ids of the calls a request frame (one message or a batch) opens. */
export function callIds(frame: string): Id[] {
  const head = scanId(frame);
  if (head !== undefined && frame.startsWith(',"method":"', head.end) && !frame.startsWith(`,"method":"${CANCEL_METHOD}"`, head.end)) {
    return [head.id];
  }
  const msg = parse(frame);
  const ids = (Array.isArray(msg) ? msg : [msg]).map(callId);
  return ids.filter((id): id is Id => id !== undefined);
}

/** Which calls a response frame answers, and whether it ends them (a stream's `item` does not). */
export function responseIds(frame: string): { ids: Id[]; final: boolean } {
  const head = scanId(frame);
  if (head !== undefined) return { ids: [head.id], final: !frame.startsWith(',"item":', head.end) };
  const msg = parse(frame);
  if (Array.isArray(msg)) {
    const ids = msg.map((m: unknown) => (typeof m === 'object' && m !== null ? (m as { id?: unknown }).id : undefined));
    return { ids: ids.filter(isId), final: true };
  }
  if (typeof msg !== 'object' || msg === null) return { ids: [], final: true };
  const m = msg as Record<string, unknown>;
  return { ids: isId(m.id) ? [m.id] : [], final: !('item' in m) };
}

/** The id an `rpc.cancel` notification names, or undefined when `frame` is not one. */
export function cancelledId(frame: string): Id | undefined {
  if (!frame.includes(`"${CANCEL_METHOD}"`)) return undefined;
  const msg = parse(frame);
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return undefined;
  const m = msg as { method?: unknown; id?: unknown; params?: { id?: unknown } };
  if (m.method !== CANCEL_METHOD || 'id' in m) return undefined;
  const id = typeof m.params === 'object' && m.params !== null ? m.params.id : undefined;
  return isId(id) ? id : undefined;
}

const TAIL = /,"timeout":(\d+)}$/;

/**
 * Age a request by `ageMs` spent in the queue: its `timeout` (milliseconds
 * the caller waits, counted from sending) becomes what is left of it, at
 * least 0. Returns the frame to deliver and what is left (undefined when the
 * request carries no timeout, or is a batch).
 */
export function aged(frame: string, ageMs: number): { frame: string; remaining: number | undefined } {
  const tail = TAIL.exec(frame.length > 40 ? frame.slice(-40) : frame);
  if (tail !== null && frame.startsWith('{')) {
    const remaining = Number(tail[1]) - ageMs;
    const text = `,"timeout":${Math.max(0, Math.ceil(remaining))}}`;
    return { frame: ageMs <= 0 ? frame : frame.slice(0, frame.length - tail[0].length) + text, remaining };
  }
  if (!frame.includes('"timeout"')) return { frame, remaining: undefined };
  const msg = parse(frame);
  const age = (m: unknown): number | undefined => {
    if (typeof m !== 'object' || m === null) return undefined;
    const r = m as { timeout?: unknown };
    if (typeof r.timeout !== 'number' || !(r.timeout >= 0)) return undefined;
    const left = r.timeout - ageMs;
    r.timeout = Math.max(0, Math.ceil(left));
    return left;
  };
  if (Array.isArray(msg)) {
    msg.forEach(age);
    return { frame: JSON.stringify(msg), remaining: undefined };
  }
  const remaining = age(msg);
  return remaining === undefined ? { frame, remaining } : { frame: JSON.stringify(msg), remaining };
}

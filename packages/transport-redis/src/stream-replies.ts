/** Reading the replies of XREADGROUP and XAUTOCLAIM, which arrive as nested arrays. */

/** One stream entry: its id and its fields. */
export interface StreamEntry {
  readonly id: string;
  /** `c`: the client id; `f`: the frame. Undefined when absent or not text. */
  readonly client: string | undefined;
  readonly frame: string | undefined;
}

function entry(raw: unknown): StreamEntry | undefined {
  if (!Array.isArray(raw) || typeof raw[0] !== 'string') return undefined; // deleted entries come as nil
  const fields: unknown = raw[1];
  let client: string | undefined;
  let frame: string | undefined;
  if (Array.isArray(fields)) {
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const value: unknown = fields[i + 1];
      if (typeof value !== 'string') continue;
      if (fields[i] === 'c') client = value;
      else if (fields[i] === 'f') frame = value;
    }
  }
  return { id: raw[0], client, frame };
}

function entries(list: unknown): StreamEntry[] {
  if (!Array.isArray(list)) return [];
  return list.map(entry).filter((e): e is StreamEntry => e !== undefined);
}

/** XREADGROUP ... STREAMS <one key> >: `[[key, [[id, [field, value, ...]], ...]]]` or nil. */
export function readEntries(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const stream: unknown = reply[0];
  return Array.isArray(stream) ? entries(stream[1]) : [];
}

/** XAUTOCLAIM: `[next cursor, [entries], [deleted ids]]`. */
export function claimedEntries(reply: unknown): { cursor: string; entries: StreamEntry[] } {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string') return { cursor: '0-0', entries: [] };
  return { cursor: reply[0], entries: entries(reply[1]) };
}

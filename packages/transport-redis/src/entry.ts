/**
 * One request entry a worker has taken from the stream, from delivery until
 * its final response is committed (or it is given back).
 */
export interface Entry {
  /** The stream entry id, `<ms>-<seq>`: also the idempotency key. */
  readonly entryId: string;
  /** The calling client's id. */
  readonly client: string;
  /** Local epoch ms when the call's deadline passes; Infinity when it has none. */
  readonly deadline: number;
  /** Its deadline had passed before it was delivered: it will not run. */
  readonly expired: boolean;
  /** The ids (as keys) the server may answer this entry with. */
  readonly expected: Set<string>;
  /** The ids registered to this entry on its connection (not those another entry holds). */
  readonly ids: string[];
  /** A stream item was sent for it. */
  started: boolean;
  /** Its final response (or none) was committed. */
  settled: boolean;
}

export function newEntry(entryId: string, client: string, remaining: number | undefined): Entry {
  return {
    entryId,
    client,
    deadline: remaining === undefined ? Infinity : Date.now() + remaining,
    expired: remaining !== undefined && remaining <= 0,
    expected: new Set(),
    ids: [],
    started: false,
    settled: false,
  };
}

/**
 * How long to keep an entry's final response (or its started mark): until
 * its deadline — a copy redelivered later would be dropped as expired, never
 * run — but at least 1 s and at most `resultTtlMs`. 0: keep nothing.
 */
export function keepFor(entry: Entry, resultTtlMs: number): number {
  if (resultTtlMs === 0 || entry.expired) return 0;
  if (entry.deadline === Infinity) return resultTtlMs;
  return Math.min(resultTtlMs, Math.max(1000, Math.ceil(entry.deadline - Date.now())));
}

/**
 * A step that may not wait for ever: closing a connection politely asks the peer things
 * (an unsubscribe, a flush), and a peer that stopped answering (a stalled broker) would
 * hold a server's close for as long as it stays stopped.
 */

/** Resolves when `p` settles or after `ms`, whichever comes first; never rejects. */
export function bounded(p: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (p === undefined) return Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((r) => (timer = setTimeout(r, ms)));
  return Promise.race([p.then(noop, noop), late]).finally(() => clearTimeout(timer));
}

function noop(): void {}

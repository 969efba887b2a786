/**
 * The caller's side of a resumable stream: when the connection drops
 * mid-stream (UNAVAILABLE), call again with `resumeAfter` set to the last
 * item id the loop got, waiting for the server to be reachable, until the
 * call's deadline. The loop sees each item once and never sees the drop.
 */
import type { ChannelCall } from '../call.js';
import { RpcError } from '../error.js';
import { sleep } from './sleep.js';

/** An item as the channel decoded it, with the id the server gave it. */
interface Received {
  readonly value: unknown;
  readonly id: string | undefined;
}

/** Pause before a resumed call that failed again without an item: doubled each time, up to the cap. */
const FIRST_PAUSE_MS = 50;
const MAX_PAUSE_MS = 2_000;

/**
 * Run `call` through `open` (a channel's `stream`), again after each drop.
 * A stream that drops before its first item fails as any call does: there is
 * nothing to resume after.
 */
export async function* resumingStream(
  call: ChannelCall,
  open: (call: ChannelCall) => AsyncIterable<unknown>,
): AsyncGenerator<unknown> {
  const decode = call.decode;
  const withId = (wire: unknown, id?: string): Received => ({ value: decode(wire), id });
  let last: string | undefined;
  let pause = 0;
  for (;;) {
    const attempt: ChannelCall =
      last === undefined
        ? { ...call, decode: withId }
        : // a resumed call waits for the server to be back, within the same deadline
          { ...call, decode: withId, resumeAfter: last, waitForReady: true };
    try {
      for await (const r of open(attempt)) {
        const item = r as Received;
        if (item.id !== undefined) last = item.id;
        pause = 0;
        yield item.value;
      }
      return;
    } catch (e) {
      const error = RpcError.from(e);
      if (error.code !== 'UNAVAILABLE' || last === undefined || call.signal?.aborted) throw error;
      if (Date.now() + pause >= call.deadline) throw error;
      if (pause > 0) await sleep(pause, call.signal);
      pause = Math.min(Math.max(pause * 2, FIRST_PAUSE_MS), MAX_PAUSE_MS);
    }
  }
}

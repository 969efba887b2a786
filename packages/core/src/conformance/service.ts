/**
 * The service the conformance suite runs on every transport, and a handler
 * set that records what the server saw so tests can assert both sides.
 */
import { z } from 'zod';
import type { CallContext } from '../call.js';
import { RpcError } from '../error.js';
import { bytes } from '../schema.js';
import { bidiStream, clientStream, defineService, notification, serverStream, tracked, unary } from '../service.js';
import { implement, type ServiceImplementation } from '../server/implement.js';

/** A declared domain error: clients rebuild it as this class, with its own field. */
export class Refused extends RpcError {
  /** Set by the class itself: it crosses the wire too. */
  readonly sku: string;
  constructor(message: string, sku = 'A-1') {
    super('FAILED_PRECONDITION', message, { details: { hint: 'ask nicely' } });
    this.sku = sku;
  }
}

/** An RpcError subclass the service does not declare: its name still travels. */
export class NotDeclared extends RpcError {
  constructor() {
    super('NOT_FOUND', 'nothing here');
  }
}

const Operands = z.object({ a: z.number(), b: z.number() });

export const Conformance = defineService(
  'conformance.Conformance',
  {
    add: unary({ input: Operands, output: z.number() }),
    /** `a − b`: not commutative, so params taken in the wrong order give another answer. */
    subtract: unary({ input: Operands, output: z.number() }),
    echo: unary({ input: z.object({ text: z.string() }), output: z.string() }),
    echoBytes: unary({ input: z.object({ data: bytes() }), output: bytes() }),
    fail: unary({
      input: z.object({ kind: z.enum(['domain', 'undeclared', 'crash', 'badOutput']) }),
      output: z.number(),
    }),
    sleep: unary({ input: z.object({ ms: z.number() }), output: z.string() }),
    meta: unary({ input: z.object({ failWith: z.string().optional() }), output: z.record(z.string(), z.string()) }),
    deadline: unary({ input: z.object({}), output: z.number().nullable() }),
    countdown: serverStream({
      input: z.object({ from: z.number().int(), failAt: z.number().int().optional(), delayMs: z.number().optional() }),
      output: z.number(),
    }),
    /** Items 0 to count − 1, each tracked by its number: a caller whose connection drops resumes after the last it got. */
    ticks: serverStream({
      input: z.object({ count: z.number().int(), delayMs: z.number().optional() }),
      output: z.number(),
      resumable: true,
    }),
    record: notification({ input: z.object({ note: z.string() }) }),
    /** The total of the numbers sent; a negative one fails the call with Refused. */
    sum: clientStream({ input: z.number(), output: z.number() }),
    /** Each number in, the total so far out. */
    runningTotal: bidiStream({ input: z.number(), output: z.number() }),
    /** How many inputs came, read only once the server state's gate opens (flow control). */
    held: clientStream({ input: z.number(), output: z.number() }),
  },
  { errors: [Refused] },
);

/** What the server side saw, for assertions. */
export class ServerState {
  readonly notes: string[] = [];
  /** Why each aborted handler's signal fired, in order. */
  readonly abortReasons: unknown[] = [];
  /** Streams whose generator ran its `finally`. */
  streamsClosed = 0;
  calls = 0;
  /** `sleep` handlers that have started: a cancel after this reaches a running handler. */
  sleeps = 0;
  /** Items the `countdown` generators have yielded (flow control bounds how far they run ahead). */
  yielded = 0;
  /** Inputs the stream handlers have taken. */
  inputsTaken = 0;
  /** Each `ticks` call's `ctx.resumeAfter`, in order (undefined for a stream's first call). */
  readonly resumedAfter: (string | undefined)[] = [];
  /** `held` handlers wait for this before reading their inputs. */
  gate: Promise<void> = Promise.resolve();
  /** Close the gate; the function returned opens it. */
  closeGate(): () => void {
    let open = (): void => {};
    this.gate = new Promise((resolve) => (open = resolve));
    return open;
  }
  readonly #waiters: (() => void)[] = [];

  changed(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Resolve once `predicate` holds (checked on every change), or fail after `ms`. */
  async until(predicate: () => boolean, ms = 2000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('server state did not reach the expected condition in time');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

function waitOrAbort(ms: number, ctx: CallContext, state: ServerState): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      state.abortReasons.push(ctx.signal.reason);
      state.changed();
      reject(ctx.signal.reason);
    };
    const timer = setTimeout(() => {
      ctx.signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Handlers for {@link Conformance} that record into `state`. */
export function conformanceImpl(state: ServerState): ServiceImplementation {
  return implement(Conformance, {
    add: ({ a, b }) => {
      state.calls++;
      return a + b;
    },
    subtract: ({ a, b }) => a - b,
    echo: async ({ text }) => text,
    echoBytes: ({ data }) => data,
    fail: ({ kind }) => {
      switch (kind) {
        case 'domain':
          throw new Refused('Yeah, we are only going to add numbers');
        case 'undeclared':
          throw new NotDeclared();
        case 'crash':
          throw new TypeError('secret internals at /srv/app/handler.ts:42');
        case 'badOutput':
          return 'not a number' as unknown as number;
      }
    },
    sleep: async ({ ms }, ctx) => {
      state.sleeps++;
      state.changed();
      await waitOrAbort(ms, ctx, state);
      return 'slept';
    },
    meta: ({ failWith }, ctx) => {
      ctx.responseMeta['x-echo'] = ctx.meta['x-request'] ?? '';
      if (failWith !== undefined) throw new Refused(failWith);
      return { ...ctx.meta };
    },
    deadline: (_input, ctx) => (Number.isFinite(ctx.deadline) ? ctx.deadline : null),
    countdown: async function* ({ from, failAt, delayMs }, ctx) {
      try {
        for (let i = from; i >= 0; i--) {
          if (i === failAt) throw new Refused(`failed at ${i}`);
          if (delayMs !== undefined) await waitOrAbort(delayMs, ctx, state);
          state.yielded++;
          yield i;
        }
      } finally {
        state.streamsClosed++;
        state.changed();
      }
    },
    ticks: async function* ({ count, delayMs }, ctx) {
      state.resumedAfter.push(ctx.resumeAfter);
      state.changed();
      for (let i = ctx.resumeAfter === undefined ? 0 : Number(ctx.resumeAfter) + 1; i < count; i++) {
        if (delayMs !== undefined) await waitOrAbort(delayMs, ctx, state);
        yield tracked(String(i), i);
      }
    },
    record: ({ note }) => {
      state.notes.push(note);
      state.changed();
    },
    sum: async (inputs, ctx) => {
      let total = 0;
      try {
        for await (const n of inputs) {
          state.inputsTaken++;
          if (n < 0) throw new Refused(`${n} is negative`);
          total += n;
        }
      } catch (e) {
        if (ctx.signal.aborted) {
          state.abortReasons.push(ctx.signal.reason);
          state.changed();
        }
        throw e;
      }
      return total;
    },
    runningTotal: async function* (inputs) {
      let total = 0;
      for await (const n of inputs) {
        state.inputsTaken++;
        total += n;
        yield total;
      }
    },
    held: async (inputs) => {
      await state.gate;
      let n = 0;
      for await (const _ of inputs) n++;
      return n;
    },
  });
}

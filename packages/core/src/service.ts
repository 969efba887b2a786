import { z } from 'zod';
import type { ErrorClass } from './error.js';
import { fromZod, type Schema } from './schema.js';

/**
 * How a method is called and answers: one input, one output (`unary`); one
 * input, a stream of outputs (`serverStream`); a stream of inputs, one
 * output (`clientStream`); streams both ways (`bidiStream`); or one input
 * and no answer (`notification`, fire-and-forget).
 */
export type MethodKind = 'unary' | 'serverStream' | 'clientStream' | 'bidiStream' | 'notification';

/** The kinds whose caller sends a stream of inputs. */
export function takesStream(kind: MethodKind): boolean {
  return kind === 'clientStream' || kind === 'bidiStream';
}

/** The kinds that answer with a stream of outputs. */
export function givesStream(kind: MethodKind): boolean {
  return kind === 'serverStream' || kind === 'bidiStream';
}

/**
 * What running a method twice does, as protobuf's `idempotency_level` says it:
 * `noSideEffects` (a read: safe to call by HTTP GET, to retry and to hedge) or
 * `idempotent` (a second run leaves things as one run did: safe to retry).
 * Unmarked methods are never retried by the library.
 */
export type Idempotency = 'noSideEffects' | 'idempotent';

/** A method before it has a name: its kind and its two schemas. */
export interface MethodSpec<K extends MethodKind = MethodKind, I = unknown, O = unknown> {
  readonly kind: K;
  /** The input (each one, for the kinds that take a stream): what the caller sends and the handler receives. */
  readonly input: Schema<I>;
  /** The output (each item, for the kinds that give a stream); unused for `notification`. */
  readonly output: Schema<O>;
  /** One line for people and tools (OpenRPC, `interoffice list`). */
  readonly description?: string | undefined;
  /** Whether a second run is safe; unset: it may not be. */
  readonly idempotency?: Idempotency | undefined;
  /**
   * For `serverStream`: its items carry ids ({@link tracked}), and a caller
   * whose connection drops reconnects and resumes after the last id it got.
   */
  readonly resumable?: boolean | undefined;
}

/** A method of a service: its spec, its short name and its qualified name. */
export type MethodDescriptor<S extends MethodSpec = MethodSpec> = S & {
  /** The short name, `add`: accepted on the wire wherever it is unambiguous. */
  readonly name: string;
  /** The qualified name, `Calculator.add`: always accepted. */
  readonly fullName: string;
  /** The service's name, `Calculator`. */
  readonly service: string;
};

/** A named set of methods, plus the error classes the service raises. */
export interface ServiceDescriptor<M extends Record<string, MethodSpec> = Record<string, MethodSpec>> {
  /** Qualified name: dot-separated words, `Calculator` or `calculator.v1.Calculator`. */
  readonly name: string;
  readonly methods: { readonly [K in keyof M]: MethodDescriptor<M[K]> };
  /** The service's own error classes by name: clients rebuild them from the wire. */
  readonly errors: ReadonlyMap<string, ErrorClass>;
}

/** A zod type or a ready {@link Schema}. */
export type SchemaLike = z.ZodType | Schema<unknown>;

/** The typed value a {@link SchemaLike} describes. */
export type ValueOf<S> = S extends z.ZodType ? z.output<S> : S extends Schema<infer T> ? T : never;

/** The input type of a method spec or descriptor. */
export type InputOf<S> = S extends MethodSpec<MethodKind, infer I, unknown> ? I : never;
/** The output (or stream item) type of a method spec or descriptor. */
export type OutputOf<S> = S extends MethodSpec<MethodKind, unknown, infer O> ? O : never;

function toSchema<S extends SchemaLike>(s: S): Schema<ValueOf<S>> {
  return (s instanceof z.ZodType ? fromZod(s) : s) as Schema<ValueOf<S>>;
}

/** What each method-making function takes: its schemas, a line for people, and (for one input) whether a second run is safe. */
interface Spec<I extends SchemaLike, O extends SchemaLike> {
  input: I;
  output: O;
  description?: string;
  idempotency?: Idempotency;
}

function method<K extends MethodKind, I extends SchemaLike, O extends SchemaLike>(
  kind: K,
  spec: Spec<I, O>,
): MethodSpec<K, ValueOf<I>, ValueOf<O>> {
  return {
    kind,
    input: toSchema(spec.input),
    output: toSchema(spec.output),
    description: spec.description,
    ...(spec.idempotency ? { idempotency: checked(spec.idempotency) } : {}),
  };
}

function checked(idempotency: Idempotency): Idempotency {
  if (idempotency !== 'noSideEffects' && idempotency !== 'idempotent') {
    throw new TypeError(`idempotency must be 'noSideEffects' or 'idempotent', not ${JSON.stringify(idempotency)}`);
  }
  return idempotency;
}

/** A request/response method. */
export function unary<I extends SchemaLike, O extends SchemaLike>(spec: Spec<I, O>): MethodSpec<'unary', ValueOf<I>, ValueOf<O>> {
  return method('unary', spec);
}

/** A server stream whose items carry ids, so a caller can resume it after a dropped connection. */
export type ResumableStream<I, O> = MethodSpec<'serverStream', I, O> & { readonly resumable: true };

/**
 * A method whose handler yields many items (an async generator); the client
 * gets an `AsyncIterable`, and leaving its loop early tells the server.
 *
 * With `resumable: true` the handler yields each item as `tracked(id, item)`
 * and resumes after `ctx.resumeAfter` when it is set: a caller whose
 * connection drops mid-stream reconnects and asks for what follows the last
 * id it got, so its loop sees every item once (docs/guides/streams.md).
 */
export function serverStream<I extends SchemaLike, O extends SchemaLike>(
  spec: Spec<I, O> & { resumable: true },
): ResumableStream<ValueOf<I>, ValueOf<O>>;
export function serverStream<I extends SchemaLike, O extends SchemaLike>(
  spec: Spec<I, O> & { resumable?: false },
): MethodSpec<'serverStream', ValueOf<I>, ValueOf<O>>;
export function serverStream<I extends SchemaLike, O extends SchemaLike>(
  spec: Spec<I, O> & { resumable?: boolean },
): MethodSpec<'serverStream', ValueOf<I>, ValueOf<O>> {
  const m = method('serverStream', spec);
  if (spec.resumable === undefined || spec.resumable === false) return m;
  if (spec.resumable !== true) throw new TypeError(`resumable must be true or false, not ${JSON.stringify(spec.resumable)}`);
  return { ...m, resumable: true };
}

/** An item of a resumable stream together with its id ({@link tracked}). */
export class Tracked<T> {
  constructor(
    /** Names the item to the caller, which sends the last one it got when it resumes. */
    readonly id: string,
    readonly value: T,
  ) {}
}

/** The longest item id: it travels with every item. */
export const MAX_ITEM_ID_LENGTH = 256;

/**
 * An item of a resumable stream with its id: `yield tracked(String(seq), item)`.
 * The id is any non-empty string of at most 256 characters that the handler
 * can resume after (a sequence number, a log offset, a cursor).
 */
export function tracked<T>(id: string, value: T): Tracked<T> {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ITEM_ID_LENGTH) {
    throw new TypeError(
      `a tracked item's id must be a string of 1 to ${MAX_ITEM_ID_LENGTH} characters, not ${JSON.stringify(id)}`,
    );
  }
  return new Tracked(id, value);
}

/**
 * A method whose caller sends a stream of inputs (an `AsyncIterable` or an
 * array) and gets one output; the handler gets an `AsyncIterable` of the
 * inputs, each validated, and returns the output.
 */
export function clientStream<I extends SchemaLike, O extends SchemaLike>(
  spec: Omit<Spec<I, O>, 'idempotency'>,
): MethodSpec<'clientStream', ValueOf<I>, ValueOf<O>> {
  return method('clientStream', spec);
}

/**
 * A method with streams both ways: the caller sends an `AsyncIterable` of
 * inputs and reads an `AsyncIterable` of outputs; the handler gets the
 * inputs as an `AsyncIterable` and yields outputs (an async generator).
 */
export function bidiStream<I extends SchemaLike, O extends SchemaLike>(
  spec: Omit<Spec<I, O>, 'idempotency'>,
): MethodSpec<'bidiStream', ValueOf<I>, ValueOf<O>> {
  return method('bidiStream', spec);
}

const voidSchema = fromZod(z.void());

/** A fire-and-forget event: the server runs the handler and sends nothing back. */
export function notification<I extends SchemaLike>(spec: {
  input: I;
  description?: string;
}): MethodSpec<'notification', ValueOf<I>, void> {
  return { kind: 'notification', input: toSchema(spec.input), output: voidSchema, description: spec.description };
}

const serviceName = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const methodName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Define a service: a name and its methods. The result is the one runtime
 * shape both the typed client and the server are built from.
 *
 * @example
 * const Calculator = defineService('Calculator', {
 *   add: unary({ input: z.object({ a: z.number(), b: z.number() }), output: z.number() }),
 * });
 */
export function defineService<const M extends Record<string, MethodSpec>>(
  name: string,
  methods: M,
  options: { errors?: readonly ErrorClass[] } = {},
): ServiceDescriptor<M> {
  if (!serviceName.test(name) || name === 'rpc' || name.startsWith('rpc.')) {
    throw new TypeError(`invalid service name ${JSON.stringify(name)}: use dot-separated identifiers, not "rpc"`);
  }
  const out: Record<string, MethodDescriptor> = {};
  for (const [short, spec] of Object.entries(methods)) {
    if (!methodName.test(short)) throw new TypeError(`invalid method name ${JSON.stringify(short)} in ${name}`);
    out[short] = Object.freeze({ ...spec, name: short, fullName: `${name}.${short}`, service: name });
  }
  const errors = new Map<string, ErrorClass>();
  for (const cls of options.errors ?? []) errors.set(cls.name, cls);
  return Object.freeze({
    name,
    methods: Object.freeze(out) as ServiceDescriptor<M>['methods'],
    errors,
  });
}

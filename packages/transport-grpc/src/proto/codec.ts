/**
 * One message's codec: wire JSON (what core hands a transport) to protobuf
 * bytes and back, through protobuf-es's proto3 JSON and binary support.
 */
import { fromBinary, fromJson, toBinary, toJson, type DescMessage, type JsonValue } from '@bufbuild/protobuf';
import { describeIssues, RpcError, type Issue } from '@interoffice/core';
import { flatCodec } from './flat-codec.js';
import { issuesOf, shorten, stripUnknown } from './json-check.js';
import { fromProtoJson, toProtoJson, type Plan } from './plan.js';

/** Encodes and decodes one message type. Both throw RpcErrors. */
export interface MessageCodec {
  readonly desc: DescMessage;
  /**
   * True when the message carries one value that is not an object (a
   * google.protobuf wrapper, `Empty`, `Value`, or a `{ value }` message):
   * positional params are then the value itself, not its fields.
   */
  readonly single: boolean;
  /** Wire JSON → bytes. A value that does not fit is INVALID_ARGUMENT with issues per field. */
  encode(json: unknown): Uint8Array;
  /** Bytes → wire JSON. Bytes that are not this message are INVALID_ARGUMENT. */
  decode(bytes: Uint8Array): unknown;
}

// Unknown enum values are refused, not dropped: a caller's mistake must not pass as a default.
// (Unknown keys are dropped before, by stripUnknown, as zod does.)
const readOptions = { ignoreUnknownFields: false };
// Implicit fields are written even when zero: zod wants `{"a": 0}`, not `{}`.
const writeOptions = { alwaysEmitImplicit: true };

/** The codec of `desc`, with `plan` for where zod's JSON differs from proto3's. */
export function messageCodec(desc: DescMessage, plan: Plan | undefined, single = isWellKnownValue(desc.typeName)): MessageCodec {
  const flat = flatCodec(desc);
  // google.protobuf wrappers are `{ value }` on the wire and the bare value in JSON.
  const wrapper = /^google\.protobuf\.\w+Value$/.test(desc.typeName) && desc.fields.length === 1;
  return {
    desc,
    single,
    encode(json) {
      const proto = toProtoJson(plan, json) as JsonValue;
      if (flat !== undefined && !(wrapper && proto === undefined)) {
        const fast = flat.encode(wrapper ? { value: proto } : proto);
        if (fast !== undefined) return fast;
      }
      try {
        return toBinary(desc, fromJson(desc, proto, readOptions));
      } catch (e) {
        // What JSON transports send is what JSON.stringify makes of a value (no
        // `undefined` members, dates as strings), less the keys the message does not
        // have (zod strips them there): give gRPC the same, then judge. Only here, off
        // the common path, where a message that fits has cost nothing more.
        const clean = toJsonText(stripUnknown(desc, proto));
        if (clean !== undefined) {
          try {
            return toBinary(desc, fromJson(desc, clean, readOptions));
          } catch {
            // fall through to the diagnosis
          }
        }
        const issues = diagnose(desc, clean ?? proto, e, wrapper);
        throw new RpcError('INVALID_ARGUMENT', describeIssues(issues), { details: { issues } });
      }
    },
    decode(bytes) {
      const fast = flat?.decode(bytes);
      if (fast !== undefined) return fromProtoJson(plan, wrapper ? fast.value : fast);
      let json: unknown;
      try {
        json = toJson(desc, fromBinary(desc, bytes), writeOptions);
      } catch (e) {
        throw new RpcError('INVALID_ARGUMENT', `not a ${desc.typeName}: ${(e as Error).message}`, { cause: e });
      }
      return fromProtoJson(plan, json);
    },
  };
}

function toJsonText(value: unknown): JsonValue | undefined {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : (JSON.parse(text) as JsonValue);
  } catch {
    return undefined;
  }
}

/** Well-known messages whose proto3 JSON is a bare value. */
export function isWellKnownValue(typeName: string): boolean {
  return /^google\.protobuf\.(\w+Value|Empty|Value|ListValue)$/.test(typeName);
}

/**
 * protobuf-es stops at the first value that does not fit; find each one, at
 * its full path, so the caller sees every bad value as zod would list them.
 */
function diagnose(desc: DescMessage, json: JsonValue, first: unknown, wrapper: boolean): Issue[] {
  const issues = wrapper || isWellKnownValue(desc.typeName) ? [] : issuesOf(desc, json);
  if (issues.length === 0) issues.push({ path: [], message: shorten((first as Error).message), code: 'invalid_type' });
  return issues;
}

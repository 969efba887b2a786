/**
 * Schemas generated from a .proto (by `interoffice gen`) say so in their
 * `source`: the message's name and the serialized files that define it. The
 * gRPC transport encodes them as those messages, and serves those files by
 * reflection, exactly as written.
 */
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  file_google_protobuf_empty,
  file_google_protobuf_struct,
  file_google_protobuf_wrappers,
  FileDescriptorProtoSchema,
  type FileDescriptorProto,
} from '@bufbuild/protobuf/wkt';
import type { Schema } from '@interoffice/core';

/** The `source` of a {@link Schema} generated from a .proto message. */
export interface ProtoSource {
  /** The message's fully qualified name, `calculator.v1.Operands`. */
  readonly protoType: string;
  /**
   * The file that defines it and every file that one imports, as serialized
   * FileDescriptorProtos in base64.
   */
  readonly protoFiles: readonly string[];
}

/** The proto source of a schema, when it was generated from a .proto. */
export function protoSourceOf(schema: Schema): ProtoSource | undefined {
  const s = schema.source as Partial<ProtoSource> | null | undefined;
  if (typeof s !== 'object' || s === null) return undefined;
  return typeof s.protoType === 'string' && Array.isArray(s.protoFiles) ? (s as ProtoSource) : undefined;
}

const decoded = new Map<string, FileDescriptorProto>();

/** Decode a base64 FileDescriptorProto (each distinct one once). */
export function decodeFile(base64: string): FileDescriptorProto {
  let file = decoded.get(base64);
  if (file === undefined) {
    file = fromBinary(FileDescriptorProtoSchema, Buffer.from(base64, 'base64'));
    decoded.set(base64, file);
  }
  return file;
}

/** The well-known files the zod mapping imports, by name. */
export const wellKnownFiles: ReadonlyMap<string, FileDescriptorProto> = new Map(
  [file_google_protobuf_wrappers, file_google_protobuf_empty, file_google_protobuf_struct].map((f) => [f.proto.name, f.proto]),
);

/** Serialize a FileDescriptorProto (for reflection). */
export function encodeFile(file: FileDescriptorProto): Uint8Array {
  return toBinary(FileDescriptorProtoSchema, file);
}

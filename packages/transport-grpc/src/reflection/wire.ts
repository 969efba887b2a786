/**
 * The messages of gRPC server reflection (grpc/reflection/v1/reflection.proto,
 * the same in v1alpha) that a client and a server need, encoded by hand: a
 * request asks for the list of services, or for the file declaring a symbol
 * or with a name; a response answers with names, serialized files, or an
 * error, and echoes the request.
 */
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

/** One reflection request (the oneof `message_request`). */
export type ReflectionRequest =
  | { readonly listServices: string }
  | { readonly fileContainingSymbol: string }
  | { readonly fileByFilename: string };

/** What a reflection response carries. */
export interface ReflectionResponse {
  /** Serialized FileDescriptorProtos. */
  files?: Uint8Array[];
  services?: string[];
  error?: { code: number; message: string };
}

export function encodeRequest(request: ReflectionRequest): Buffer {
  const w = new BinaryWriter();
  if ('listServices' in request) w.tag(7, WireType.LengthDelimited).string(request.listServices);
  else if ('fileContainingSymbol' in request) w.tag(4, WireType.LengthDelimited).string(request.fileContainingSymbol);
  else w.tag(3, WireType.LengthDelimited).string(request.fileByFilename);
  return Buffer.from(w.finish());
}

/** Each length-delimited field `field` of a message, as bytes. */
function each(bytes: Uint8Array, onField: (no: number, r: BinaryReader, type: WireType) => void): void {
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [no, type] = r.tag();
    const before = r.pos;
    onField(no, r, type);
    if (r.pos === before) r.skip(type, no);
  }
}

/** A request as a server reads it; `undefined` for kinds it does not answer (extensions). */
export function decodeRequest(bytes: Uint8Array): ReflectionRequest | undefined {
  let out: ReflectionRequest | undefined;
  each(bytes, (no, r, type) => {
    if (type !== WireType.LengthDelimited) return;
    if (no === 7) out = { listServices: r.string() };
    else if (no === 4) out = { fileContainingSymbol: r.string() };
    else if (no === 3) out = { fileByFilename: r.string() };
  });
  return out;
}

/** A response, echoing the request's bytes as `original_request`. */
export function encodeResponse(request: Uint8Array, response: ReflectionResponse): Buffer {
  const w = new BinaryWriter();
  w.tag(2, WireType.LengthDelimited).bytes(request);
  if (response.files !== undefined) {
    w.tag(4, WireType.LengthDelimited).fork();
    for (const f of response.files) w.tag(1, WireType.LengthDelimited).bytes(f);
    w.join();
  } else if (response.services !== undefined) {
    w.tag(6, WireType.LengthDelimited).fork();
    for (const name of response.services)
      w.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string(name).join();
    w.join();
  } else if (response.error !== undefined) {
    w.tag(7, WireType.LengthDelimited)
      .fork()
      .tag(1, WireType.Varint)
      .int32(response.error.code)
      .tag(2, WireType.LengthDelimited)
      .string(response.error.message)
      .join();
  }
  return Buffer.from(w.finish());
}

export function decodeResponse(bytes: Uint8Array): ReflectionResponse {
  const out: ReflectionResponse = {};
  each(bytes, (no, r, type) => {
    if (type !== WireType.LengthDelimited) return;
    if (no === 4) {
      const files: Uint8Array[] = [];
      each(r.bytes(), (n, inner) => n === 1 && files.push(inner.bytes()));
      out.files = files;
    } else if (no === 6) {
      const services: string[] = [];
      each(r.bytes(), (n, inner) => {
        if (n === 1) each(inner.bytes(), (m, s) => m === 1 && services.push(s.string()));
      });
      out.services = services;
    } else if (no === 7) {
      const error = { code: 0, message: '' };
      each(r.bytes(), (n, inner, t) => {
        if (n === 1 && t === WireType.Varint) error.code = inner.int32();
        if (n === 2 && t === WireType.LengthDelimited) error.message = inner.string();
      });
      out.error = error;
    }
  });
  return out;
}

/**
 * The few protobuf wire encodings the flat codec writes and reads: varints,
 * little-endian doubles and floats, length-prefixed UTF-8 strings.
 */
import { ScalarType } from '@bufbuild/protobuf';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function varintSize(n: bigint): number {
  let size = 1;
  while (n > 0x7fn) {
    n >>= 7n;
    size++;
  }
  return size;
}

/** int32 and int64 negatives are ten-byte varints of their 64-bit two's complement. */
const toVarint = (v: number): bigint => (v < 0 ? BigInt.asUintN(64, BigInt(v)) : BigInt(v));

/** Bytes a value takes after its tag. */
export function sizeOf(type: ScalarType, v: number | string | boolean): number {
  switch (type) {
    case ScalarType.DOUBLE:
      return 8;
    case ScalarType.FLOAT:
      return 4;
    case ScalarType.BOOL:
      return 1;
    case ScalarType.STRING: {
      const n = Buffer.byteLength(v as string);
      return varintSize(BigInt(n)) + n;
    }
    default:
      return varintSize(toVarint(v as number));
  }
}

function writeVarint(out: Buffer, o: number, n: bigint): number {
  while (n > 0x7fn) {
    out[o++] = Number(n & 0x7fn) | 0x80;
    n >>= 7n;
  }
  out[o++] = Number(n);
  return o;
}

/** Write a value after its tag; the offset after it. */
export function write(out: Buffer, o: number, type: ScalarType, v: number | string | boolean): number {
  switch (type) {
    case ScalarType.DOUBLE:
      return out.writeDoubleLE(v as number, o);
    case ScalarType.FLOAT:
      return out.writeFloatLE(v as number, o);
    case ScalarType.BOOL:
      out[o] = v ? 1 : 0;
      return o + 1;
    case ScalarType.STRING: {
      const n = Buffer.byteLength(v as string);
      o = writeVarint(out, o, BigInt(n));
      return o + out.write(v as string, o, 'utf8');
    }
    default:
      return writeVarint(out, o, toVarint(v as number));
  }
}

function readVarint(buf: Buffer, o: number): [bigint, number] {
  let n = 0n;
  let shift = 0n;
  for (;;) {
    const b = buf[o++];
    if (b === undefined || shift > 63n) throw new RangeError('truncated varint');
    n |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return [n, o];
    shift += 7n;
  }
}

/** One value, as protobuf-es's toJson writes it (int64 as a string); undefined for a value it would refuse. */
export function read(buf: Buffer, o: number, type: ScalarType): [unknown, number] {
  switch (type) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT: {
      const v = type === ScalarType.DOUBLE ? buf.readDoubleLE(o) : buf.readFloatLE(o);
      return [Number.isFinite(v) ? v : undefined, o + (type === ScalarType.DOUBLE ? 8 : 4)];
    }
    case ScalarType.STRING: {
      const [n, at] = readVarint(buf, o);
      const end = at + Number(n);
      if (end > buf.length) throw new RangeError('truncated string');
      return [utf8.decode(buf.subarray(at, end)), end];
    }
    default: {
      const [n, at] = readVarint(buf, o);
      switch (type) {
        case ScalarType.BOOL:
          return [n !== 0n, at];
        case ScalarType.INT32:
          return [Number(BigInt.asIntN(32, n)), at];
        case ScalarType.UINT32:
          return [Number(BigInt.asUintN(32, n)), at];
        case ScalarType.INT64:
          return [BigInt.asIntN(64, n).toString(), at];
        default:
          return [BigInt.asUintN(64, n).toString(), at];
      }
    }
  }
}

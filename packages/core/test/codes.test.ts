import { describe, expect, it } from 'vitest';
import { codeFromGrpcStatus, codeFromJsonRpc, grpcStatus, jsonRpcCodeOf, type Code } from '../src/index.js';

const all = Object.keys(grpcStatus) as Code[];

describe('code mappings', () => {
  it('round-trip every canonical code through JSON-RPC and gRPC numbers', () => {
    for (const code of all) {
      expect(codeFromJsonRpc(jsonRpcCodeOf(code))).toBe(code);
      expect(codeFromGrpcStatus(grpcStatus[code])).toBe(code);
    }
  });

  it("use JSON-RPC's own numbers where JSON-RPC has them", () => {
    expect(jsonRpcCodeOf('INVALID_ARGUMENT')).toBe(-32602);
    expect(jsonRpcCodeOf('UNIMPLEMENTED')).toBe(-32601);
    expect(jsonRpcCodeOf('INTERNAL')).toBe(-32603);
    expect(jsonRpcCodeOf('DEADLINE_EXCEEDED')).toBe(-32004);
  });

  it("map a plain server's codes", () => {
    expect(codeFromJsonRpc(-32700)).toBe('INVALID_ARGUMENT');
    expect(codeFromJsonRpc(-32600)).toBe('INVALID_ARGUMENT');
    expect(codeFromJsonRpc(-32099)).toBe('UNKNOWN');
    expect(codeFromJsonRpc(1)).toBe('UNKNOWN');
    expect(codeFromGrpcStatus(99)).toBe('UNKNOWN');
  });
});

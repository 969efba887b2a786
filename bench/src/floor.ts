/**
 * The in-process floor of an echo: the least any JSON-RPC transport does
 * per call, with no I/O — encode, validate and decode once on each side
 * (client: encode the request, decode and validate the result; server:
 * decode and validate the params, encode the result), in one process.
 */
import { z } from 'zod';

const params = z.object({ s: z.string() });
const result = z.string();

/** One echo of `s` through the floor's steps; returns the string the client ends with. */
export function floorEcho(s: string, id: number): string {
  const request = JSON.stringify({ jsonrpc: '2.0', id, method: 'echo', params: { s } });
  const received = JSON.parse(request) as { id: number; params: unknown };
  const input = params.parse(received.params);
  const response = JSON.stringify({ jsonrpc: '2.0', id: received.id, result: result.parse(input.s) });
  return result.parse((JSON.parse(response) as { result: unknown }).result);
}

export const FLOOR = 'in-process floor: encode, validate, decode on each side';

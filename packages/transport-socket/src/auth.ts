/**
 * Shared-key authentication: HMAC-SHA256 both ways before any frame is
 * processed, the server proving first. docs/transports/socket.md has the bytes.
 *
 *   client → rpc.auth.hello     {alg: "hmac-sha256", nonce: Nc}
 *   server → rpc.auth.challenge {alg, nonce: Ns, address: A, mac: MAC("server to client")}
 *   client → rpc.auth.response  {mac: MAC("client to server")}
 *   server → rpc.auth.welcome   {}
 *
 * MAC(label) = HMAC(key, label ‖ 0x00 ‖ Ns ‖ Nc ‖ A). Both nonces make every
 * MAC fresh, the label keeps one side's MAC from passing for the other's, and
 * A (the address the server was reached at) lets a client tell a relay
 * elsewhere from the server it dialed.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readTransportLine, transportLine } from '@interoffice/core/ndjson';

export const HELLO = 'rpc.auth.hello';
export const CHALLENGE = 'rpc.auth.challenge';
export const RESPONSE = 'rpc.auth.response';
export const WELCOME = 'rpc.auth.welcome';
export const ALG = 'hmac-sha256';
const NONCE_BYTES = 32;

/** What both MACs cover. */
export interface Transcript {
  server: Buffer;
  client: Buffer;
  address: string;
}

export type Direction = 'server to client' | 'client to server';

export const nonce = (): Buffer => randomBytes(NONCE_BYTES);

/** A base64 nonce of the right length, decoded; undefined for anything else. */
export function nonceOf(value: unknown): Buffer | undefined {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'base64') : undefined;
  return bytes?.length === NONCE_BYTES ? bytes : undefined;
}

export function mac(key: Buffer, label: Direction, t: Transcript): string {
  const h = createHmac('sha256', key).update(`${label}\0`);
  return h.update(t.server).update(t.client).update(t.address).digest('base64');
}

export function macMatches(key: Buffer, label: Direction, t: Transcript, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(mac(key, label, t), 'base64');
  const actual = Buffer.from(given, 'base64');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * The hello's id: a request, not a notification, so a server without a key
 * answers it at once (method not found) instead of saying nothing.
 */
export const HELLO_ID = 'rpc.auth.hello';

export const message = (method: string, params: Record<string, string>, id?: string): string => transportLine(method, params, id);

/** Whether `line` is a response to the hello: a server without a key answering it as any request. */
export function answersHello(line: string): boolean {
  const msg = readTransportLine(line);
  return msg?.id === HELLO_ID && msg.method === undefined;
}

/** Parse a handshake line: the params of `method`, or undefined if it is anything else. */
export function paramsOf(line: string, method: string): Record<string, unknown> | undefined {
  const msg = readTransportLine(line);
  if (msg?.method !== method || typeof msg.params !== 'object' || msg.params === null) return undefined;
  return msg.params as Record<string, unknown>;
}

/** The error line a server sends before closing on a failed handshake. */
export const REFUSED =
  '{"jsonrpc":"2.0","id":null,"error":{"code":-32016,"message":"authentication failed","data":{"code":"UNAUTHENTICATED"}}}';

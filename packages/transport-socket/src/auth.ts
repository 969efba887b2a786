/**
 * Shared-key authentication, like the authkey of Python's
 * multiprocessing.connection: an HMAC-SHA256 challenge-response in both
 * directions, before any frame is processed. docs/protocol.md has the bytes.
 *
 *   server → {"jsonrpc":"2.0","method":"rpc.auth.challenge","params":{"alg":"hmac-sha256","nonce":N1}}
 *   client → {"jsonrpc":"2.0","method":"rpc.auth.response","params":{"mac":HMAC(key,"client"‖N1),"nonce":N2}}
 *   server → {"jsonrpc":"2.0","method":"rpc.auth.welcome","params":{"mac":HMAC(key,"server"‖N2)}}
 *
 * Nonces are 32 random bytes, nonces and MACs base64. The labels keep one
 * side's answer from being replayed as the other's.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const CHALLENGE = 'rpc.auth.challenge';
export const RESPONSE = 'rpc.auth.response';
export const WELCOME = 'rpc.auth.welcome';

/** How a handshake line starts, to spot a challenge sent to a client without a key. */
export const CHALLENGE_PREFIX = `{"jsonrpc":"2.0","method":"${CHALLENGE}"`;

export function nonce(): string {
  return randomBytes(32).toString('base64');
}

export function mac(key: Buffer, label: 'client' | 'server', nonceB64: string): string {
  return createHmac('sha256', key).update(label).update(Buffer.from(nonceB64, 'base64')).digest('base64');
}

export function macMatches(key: Buffer, label: 'client' | 'server', nonceB64: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(mac(key, label, nonceB64), 'base64');
  const actual = Buffer.from(given, 'base64');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function message(method: string, params: Record<string, string>): string {
  return JSON.stringify({ jsonrpc: '2.0', method, params });
}

/** Parse a handshake line: the params of `method`, or undefined if it is anything else. */
export function paramsOf(line: string, method: string): Record<string, unknown> | undefined {
  try {
    const msg = JSON.parse(line) as { method?: unknown; params?: unknown };
    if (msg.method !== method || typeof msg.params !== 'object' || msg.params === null) return undefined;
    return msg.params as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The error line a server sends before closing on a failed handshake. */
export const REFUSED =
  '{"jsonrpc":"2.0","id":null,"error":{"code":-32016,"message":"authentication failed","data":{"code":"UNAUTHENTICATED"}}}';

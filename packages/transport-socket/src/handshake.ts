/**
 * Both sides of the shared-key handshake (see auth.ts), run on a
 * {@link SocketConnection} before it carries frames.
 */
import { RpcError } from '@interoffice/core';
import { CHALLENGE, mac, macMatches, message, nonce, paramsOf, REFUSED, RESPONSE, WELCOME } from './auth.js';
import type { StreamConnection } from '@interoffice/core/ndjson';

/** Handshake lines are short; a peer that has not authenticated gets no more room. */
const HANDSHAKE_MAX_BYTES = 4096;

/**
 * Server side. `onAuthenticated` runs synchronously on success, so frames
 * pipelined right after the response already reach the right handler.
 * Rejects with the reason when the peer is refused.
 */
export function serverHandshake(
  conn: StreamConnection,
  key: Buffer,
  timeoutMs: number,
  onAuthenticated: () => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const challenge = nonce();
    const refuse = (why: string): void => {
      clearTimeout(timer);
      conn.onClose = undefined;
      conn.writeLine(REFUSED);
      conn.close();
      reject(new Error(why));
    };
    const timer = setTimeout(() => refuse(`no authentication response within ${timeoutMs} ms`), timeoutMs);
    conn.onClose = () => {
      clearTimeout(timer);
      reject(new Error('the peer closed the connection during authentication'));
    };
    conn.divert(
      {
        line(line) {
          const p = paramsOf(line, RESPONSE);
          if (p === undefined || typeof p.nonce !== 'string') return refuse('malformed authentication response');
          if (!macMatches(key, 'client', challenge, p.mac)) return refuse('wrong key');
          clearTimeout(timer);
          conn.onClose = undefined;
          conn.writeLine(message(WELCOME, { mac: mac(key, 'server', p.nonce) }));
          onAuthenticated();
          resolve();
        },
        oversized: () => refuse('oversized authentication response'),
      },
      HANDSHAKE_MAX_BYTES,
    );
    conn.writeLine(message(CHALLENGE, { alg: 'hmac-sha256', nonce: challenge }));
  });
}

/** Client side: answer the challenge, then check that the server knows the key too. */
export function clientHandshake(
  conn: StreamConnection,
  key: Buffer,
  timeoutMs: number,
  onAuthenticated: () => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let ours: string | undefined;
    const fail = (why: string): void => {
      clearTimeout(timer);
      conn.onClose = undefined;
      conn.fail(new RpcError('UNAUTHENTICATED', why));
      reject(new RpcError('UNAUTHENTICATED', why));
    };
    const timer = setTimeout(() => fail(`no authentication challenge within ${timeoutMs} ms`), timeoutMs);
    conn.onClose = () => fail('the server closed the connection during authentication');
    conn.divert(
      {
        line(line) {
          if (ours === undefined) {
            const p = paramsOf(line, CHALLENGE);
            if (p === undefined || typeof p.nonce !== 'string') {
              return fail('the server sent no authentication challenge: does it have a key?');
            }
            ours = nonce();
            conn.writeLine(message(RESPONSE, { mac: mac(key, 'client', p.nonce), nonce: ours }));
            return;
          }
          const p = paramsOf(line, WELCOME);
          if (p === undefined) return fail('authentication failed: the server refused our key');
          if (!macMatches(key, 'server', ours, p.mac)) return fail('the server could not prove it knows the key');
          clearTimeout(timer);
          conn.onClose = undefined;
          onAuthenticated();
          resolve();
        },
        oversized: () => fail('oversized authentication message'),
      },
      HANDSHAKE_MAX_BYTES,
    );
  });
}

/**
 * Both sides of the shared-key handshake (see auth.ts), run on a
 * {@link StreamConnection} before it carries frames.
 */
import { RpcError } from '@interoffice/core';
import type { StreamConnection } from '@interoffice/core/ndjson';
import {
  ALG,
  answersHello,
  CHALLENGE,
  HELLO,
  HELLO_ID,
  mac,
  macMatches,
  message,
  nonce,
  nonceOf,
  paramsOf,
  REFUSED,
  RESPONSE,
  WELCOME,
  type Transcript,
} from './auth.js';

/** Handshake lines are short; a peer that has not authenticated gets no more room. */
const HANDSHAKE_MAX_BYTES = 4096;

/** Why a server refused a peer: one of a few causes (for rate-limited logs), and the detail. */
export class Refusal extends Error {
  constructor(
    readonly kind: 'malformed' | 'wrong key' | 'proof refused' | 'timeout' | 'closed' | 'oversized' | 'tls',
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * Server side, reached at `address`. `onAuthenticated` runs synchronously on
 * success, so frames pipelined after the response reach the right handler.
 * Rejects with a {@link Refusal} when the peer is refused.
 */
export function serverHandshake(
  conn: StreamConnection,
  key: Buffer,
  address: string,
  timeoutMs: number,
  onAuthenticated: () => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let t: Transcript | undefined;
    const end = (why?: Refusal): void => {
      clearTimeout(timer);
      conn.onClose = undefined;
      if (why === undefined) return resolve();
      conn.writeLine(REFUSED);
      conn.close();
      reject(why);
    };
    const timer = setTimeout(() => end(new Refusal('timeout', `no authentication within ${timeoutMs} ms`)), timeoutMs);
    conn.onClose = () => {
      clearTimeout(timer);
      if (t === undefined) reject(new Refusal('closed', 'the peer closed the connection before authenticating'));
      // A client that does not accept our proof hangs up: another key, or it dialed another address (a relay).
      else
        reject(
          new Refusal('proof refused', 'the peer hung up on our proof: a different key, or it dialed another address (a relay?)'),
        );
    };
    const line = (text: string): void => {
      if (t === undefined) {
        const p = paramsOf(text, HELLO);
        const client = nonceOf(p?.nonce);
        if (p?.alg !== ALG || client === undefined) return end(new Refusal('malformed', 'no authentication hello'));
        t = { server: nonce(), client, address };
        const proof = mac(key, 'server to client', t);
        return conn.writeLine(message(CHALLENGE, { alg: ALG, nonce: t.server.toString('base64'), address, mac: proof }));
      }
      const p = paramsOf(text, RESPONSE);
      if (p === undefined) return end(new Refusal('malformed', 'malformed authentication response'));
      if (!macMatches(key, 'client to server', t, p.mac)) return end(new Refusal('wrong key', 'wrong key'));
      conn.writeLine(message(WELCOME, {}));
      end();
      onAuthenticated();
    };
    conn.divert(
      { line, oversized: () => end(new Refusal('oversized', 'oversized authentication message')) },
      HANDSHAKE_MAX_BYTES,
    );
  });
}

/**
 * Client side, having dialed `dialed`: check the server's proof, then prove
 * the key. Refuses a server that answers for another address unless `allowForwarding`.
 */
export function clientHandshake(
  conn: StreamConnection,
  key: Buffer,
  dialed: string,
  options: { timeoutMs: number; allowForwarding: boolean },
  onAuthenticated: () => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const ours = nonce();
    let proved = false;
    const end = (why?: string): void => {
      clearTimeout(timer);
      conn.onClose = undefined;
      if (why === undefined) return resolve();
      conn.fail(new RpcError('UNAUTHENTICATED', why));
      reject(new RpcError('UNAUTHENTICATED', why));
    };
    const timer = setTimeout(
      () => end(`no authentication challenge within ${options.timeoutMs} ms: does the server have a key?`),
      options.timeoutMs,
    );
    conn.onClose = () => end('the server closed the connection during authentication');
    const line = (text: string): void => {
      if (proved) {
        if (paramsOf(text, WELCOME) === undefined) return end('authentication failed: the server refused our key');
        end();
        return onAuthenticated();
      }
      if (answersHello(text)) {
        return end(
          'the server asks for no key: it answered our hello as a server without one (give it the key, or connect without one)',
        );
      }
      const p = paramsOf(text, CHALLENGE);
      const server = nonceOf(p?.nonce);
      if (p?.alg !== ALG || server === undefined || typeof p.address !== 'string') {
        return end('the server sent no authentication challenge: does it have a key?');
      }
      if (p.address !== dialed && !options.allowForwarding) {
        return end(
          `the server answered for ${p.address} but we dialed ${dialed}: a relay, a port forward or a proxy is in between (allowForwarding accepts that)`,
        );
      }
      const t = { server, client: ours, address: p.address };
      if (!macMatches(key, 'server to client', t, p.mac))
        return end("the server's proof does not match our key: a different key, or not the server we meant");
      proved = true;
      conn.writeLine(message(RESPONSE, { mac: mac(key, 'client to server', t) }));
    };
    conn.divert({ line, oversized: () => end('oversized authentication message') }, HANDSHAKE_MAX_BYTES);
    conn.writeLine(message(HELLO, { alg: ALG, nonce: ours.toString('base64') }, HELLO_ID));
  });
}

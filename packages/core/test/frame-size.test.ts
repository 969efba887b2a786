import { describe, expect, it } from 'vitest';
import { FRAME_HEAD_BYTES, type MessageHandler, messageBody, takeAnswer } from '../src/index.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('messages a medium takes as bytes', () => {
  it('a request within the limit is its whole text, byte for byte in UTF-8', () => {
    const text = '{"jsonrpc":"2.0","id":1,"method":"echo","params":{"text":"héllo ✓"}}';
    expect(messageBody(bytes(text), utf8(text))).toEqual({ body: text, tooLarge: undefined });
  });

  it('a request over the limit is its first bytes and its size, counted in bytes, not characters', () => {
    const text = `{"jsonrpc":"2.0","id":"big","params":"${'é'.repeat(200)}"}`; // 2 bytes a character
    const { body, tooLarge } = messageBody(bytes(text), text.length);
    expect(tooLarge).toBe(utf8(text));
    expect(body.startsWith('{"jsonrpc":"2.0","id":"big"')).toBe(true);
    expect(utf8(body)).toBeLessThanOrEqual(FRAME_HEAD_BYTES + 2); // a character cut in two decodes as one replacement
  });

  it('an answer goes to core whole, or as oversized with its head', () => {
    const got: unknown[] = [];
    const handler = {
      response: (r) => got.push(['response', r]),
      oversized: (n, head) => got.push(['oversized', n, typeof head === 'string' ? head.slice(0, 20) : head]),
    } as Pick<MessageHandler, 'response' | 'oversized'> as MessageHandler;
    const answer = '{"jsonrpc":"2.0","id":4,"result":"x"}';
    takeAnswer(handler, bytes(answer), answer.length);
    takeAnswer(handler, bytes(answer), answer.length - 1);
    expect(got).toEqual([
      ['response', answer],
      ['oversized', answer.length, answer.slice(0, 20)],
    ]);
  });
});

function utf8(text: string): number {
  return new TextEncoder().encode(text).length;
}

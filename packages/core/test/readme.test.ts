/**
 * The README's worked transports are the files in test/examples, verbatim
 * (the conformance suite runs those files: conformance.test.ts, call-transport.test.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/<!-- file: (\S+) -->\n```ts\n([\s\S]*?)\n```/g)];

describe('README: writing a transport', () => {
  it('shows one worked example per shape of the seam', () => {
    expect(blocks.map((b) => b[1])).toEqual([
      'test/examples/stream-transport.ts',
      'test/examples/message-transport.ts',
      'test/examples/call-transport.ts',
    ]);
  });

  for (const [, file, code] of blocks) {
    it(`${file} is what the README shows`, () => {
      expect(code).toBe(readFileSync(new URL(`../${file as string}`, import.meta.url), 'utf8').trimEnd());
    });
  }
});

/**
 * docs/transports/redis.md#wire-format quotes the scripts a peer in another
 * language runs, and examples/python carries two of them: this keeps each copy
 * the same as the script Interoffice runs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMIT, ENQUEUE, PUSH } from '../src/scripts.js';

const doc = readFileSync(new URL('../../../docs/transports/redis.md', import.meta.url), 'utf8');

/** A script's lines, each without its indentation (Lua ignores it; the page indents for its list). */
const lines = (lua: string): string[] =>
  lua
    .trim()
    .split('\n')
    .map((line) => line.trim());

/** The page's ```lua blocks. */
const quoted = (): string[][] => [...doc.matchAll(/^ *```lua\n([\s\S]*?)^ *```$/gm)].map(([, body = '']) => lines(body));

describe('the wire format page quotes the scripts as they run', () => {
  it('ENQUEUE, COMMIT and PUSH, in that order', () => {
    expect(quoted()).toEqual([ENQUEUE, COMMIT, PUSH].map((s) => lines(s.lua)));
  });
});

describe('the Python examples carry the same scripts', () => {
  const script = (file: string, name: string): string[] => {
    const text = readFileSync(new URL(`../../../examples/python/${file}`, import.meta.url), 'utf8');
    const body = new RegExp(`^${name} = """\\n([\\s\\S]*?)^"""$`, 'm').exec(text)?.[1];
    expect(body, `${name} in ${file}`).toBeDefined();
    return lines(body as string);
  };

  it('redis_client.py queues with ENQUEUE, redis_worker.py answers with COMMIT', () => {
    expect(script('redis_client.py', 'ENQUEUE')).toEqual(lines(ENQUEUE.lua));
    expect(script('redis_worker.py', 'COMMIT')).toEqual(lines(COMMIT.lua));
  });
});
